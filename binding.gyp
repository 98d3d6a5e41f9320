{
  "targets": [
    {
      "target_name": "vpp_maglev_native",
      "sources": ["native/vpp_maglev_native.c", "native/probe_engine.c", "native/icmp.c"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"]
    }
  ]
}
