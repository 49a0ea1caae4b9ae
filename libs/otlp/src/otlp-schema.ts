import protobuf from 'protobufjs';
import { otlpDescriptor } from './generated/otlp-descriptor.js';

const root = protobuf.Root.fromJSON(otlpDescriptor as unknown as protobuf.INamespace);

// protobufjs gives each message a oneof accessor whose setter deletes the oneof's other fields and
// whose getter scans Object.keys: the decoder calls the setter for every AnyValue, and reading the
// accessor cost another scan, together about a third of decoding a span's attributes. As a plain
// property the decoder's assignment simply records the last member read, which is protobuf's rule
// (the last member on the wire wins); an unset oneof reads undefined as before.
function plainOneofs(namespace: protobuf.NamespaceBase): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) {
      if (nested.oneofsArray.length > 0) {
        // The accessors are not configurable: the constructor gets a copy of its prototype without them.
        const ctor = nested.ctor as { prototype: object };
        const descriptors = Object.getOwnPropertyDescriptors(ctor.prototype);
        for (const oneof of nested.oneofsArray) descriptors[oneof.name] = { value: undefined, writable: true, enumerable: false, configurable: true };
        ctor.prototype = Object.create(Object.getPrototypeOf(ctor.prototype) as object, descriptors) as object;
      }
    }
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) plainOneofs(nested);
  }
}
plainOneofs(root);

export const ExportTraceServiceRequestType = root.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
);
export const ExportTraceServiceResponseType = root.lookupType(
  'opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse',
);
export const RpcStatusType = root.lookupType('google.rpc.Status');
export const ExportLogsServiceRequestType = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
export const ExportLogsServiceResponseType = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse');
export const ExportMetricsServiceRequestType = root.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
);
export const ExportMetricsServiceResponseType = root.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
);

export const KeyValueType = root.lookupType('opentelemetry.proto.common.v1.KeyValue');
export const AnyValueType = root.lookupType('opentelemetry.proto.common.v1.AnyValue');
export const SpanEventType = root.lookupType('opentelemetry.proto.trace.v1.Span.Event');
export const SpanLinkType = root.lookupType('opentelemetry.proto.trace.v1.Span.Link');
export const SpanStatusType = root.lookupType('opentelemetry.proto.trace.v1.Status');

export const ResourceType = root.lookupType('opentelemetry.proto.resource.v1.Resource');
export const InstrumentationScopeType = root.lookupType('opentelemetry.proto.common.v1.InstrumentationScope');
