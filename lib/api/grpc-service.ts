import {
  type DescMessage,
  type DescMethod,
  type DescService,
  fromBinary,
  type MessageShape,
  toBinary,
} from '@bufbuild/protobuf';
import type { GenFile } from '@bufbuild/protobuf/codegenv2';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/**
 * Bridges protobuf-es generated descriptors to grpc-js: grpc-js needs a ServiceDefinition with
 * a serializer per method, which protobuf-es does not generate. One definition serves both the
 * server and the typed client, so the two cannot drift.
 */

function methodDefinition(service: DescService, method: DescMethod): MethodDefinition<unknown, unknown> {
  const input: DescMessage = method.input;
  const output: DescMessage = method.output;
  return {
    path: `/${service.typeName}/${method.name}`,
    requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
    responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
    requestSerialize: (value: unknown) => Buffer.from(toBinary(input, value as MessageShape<typeof input>)),
    requestDeserialize: (bytes: Buffer) => fromBinary(input, bytes),
    responseSerialize: (value: unknown) =>
      Buffer.from(toBinary(output, value as MessageShape<typeof output>)),
    responseDeserialize: (bytes: Buffer) => fromBinary(output, bytes),
    originalName: method.localName,
  };
}

/** The grpc-js service definition of a protobuf-es service, keyed by method name (PascalCase). */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  const def: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) def[method.name] = methodDefinition(service, method);
  return def as ServiceDefinition;
}

/** Serialized FileDescriptorProtos of a file and everything it imports, for server reflection. */
export function fileDescriptorProtos(file: GenFile): Buffer[] {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  const visit = (f: GenFile) => {
    if (seen.has(f.name)) return;
    seen.add(f.name);
    for (const dep of f.dependencies) visit(dep as GenFile);
    out.push(Buffer.from(toBinary(FileDescriptorProtoSchema, f.proto)));
  };
  visit(file);
  return out;
}
