import protobuf from 'protobufjs';
import { otlpDescriptor } from './generated/otlp-descriptor.js';

const root = protobuf.Root.fromJSON(otlpDescriptor as unknown as protobuf.INamespace);

export const ExportTraceServiceRequestType = root.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
);
export const ExportTraceServiceResponseType = root.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse',
);
export const RpcStatusType = root.lookupType('google.rpc.Status');
