#ifndef VPP_MAGLEV_PROBE_ENGINE_H
#define VPP_MAGLEV_PROBE_ENGINE_H

#include <node_api.h>

/* Adds the probe engine's functions to the addon's exports. */
napi_status probe_engine_init(napi_env env, napi_value exports);

#endif
