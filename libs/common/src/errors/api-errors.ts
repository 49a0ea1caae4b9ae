import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';

/** The body of every error answer (the exception filter's `errorBodyOf`, the 415 and 408 answered before routing). */
export class ErrorBodyDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found', description: 'the HTTP reason phrase' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'model fraud-scorer not found',
    description: 'what was wrong; a failed validation lists one message per field',
  })
  message!: string | string[];

  @ApiPropertyOptional({ description: 'the request id (the x-request-id header), for the server log' })
  requestId?: string;

  @ApiPropertyOptional({ description: 'on 500 only: the id the server logged the error under' })
  errorId?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'structured detail some errors add' })
  details?: Record<string, unknown>;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 429 | 503;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'the request is invalid; the message says which field and why',
  401: 'missing, unknown or revoked API key',
  403: 'the key’s role may not use this operation',
  404: 'no such resource in the key’s project',
  408: 'the request body did not arrive in time',
  409: 'the request conflicts with the resource’s current state',
  413: 'the request body is larger than the limit',
  415: 'the request body’s media type is not accepted here',
  422: 'the request is well formed but cannot be processed',
  429: 'too many requests for this key or server; retry after the Retry-After header’s seconds',
  503: 'the database, the job queue or the request budget is unavailable; retry after Retry-After',
};

const ERROR_BODY_REF = { $ref: '#/components/schemas/ErrorBodyDto' };

/** Documents error answers with the error body; a description names the route's own reason. */
export const ApiErrors = (errors: Partial<Record<ErrorStatus, string | true>>): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description: description === true ? ERROR_DESCRIPTIONS[Number(status) as ErrorStatus] : description,
        type: ErrorBodyDto,
      }),
    ),
  );

interface DocumentedOperation {
  parameters?: { in: string }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

// Answers every route gives for the same cause, read off the operation's shape so that a new route
// cannot forget them: a body can be invalid, too large, slow or of the wrong type; a parameter can be
// invalid; a path names a resource that may not exist (or belong to another project).
function derivedErrors(operation: DocumentedOperation): ErrorStatus[] {
  const where = new Set((operation.parameters ?? []).map((p) => p.in));
  return [
    ...(operation.requestBody ? ([400, 408, 413, 415] as const) : []),
    ...(where.has('query') || where.has('path') || where.has('header') ? ([400] as const) : []),
    ...(where.has('path') ? ([404] as const) : []),
  ];
}

export function documentDerivedErrors(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as DocumentedOperation | undefined;
      if (!operation) continue;
      for (const status of derivedErrors(operation)) {
        operation.responses[status] ??= {
          description: ERROR_DESCRIPTIONS[status],
          content: { 'application/json': { schema: ERROR_BODY_REF } },
        };
      }
    }
  }
  return document;
}
