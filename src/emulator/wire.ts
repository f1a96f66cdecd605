import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AnsweredCampaignStateWire } from './types';

/**
 * restJson1 response writing, as the AWS SDK v3 reads it:
 * - the error type comes from `x-amzn-ErrorType` (the SDK cuts the value at ':'),
 * - `message` (and `state` for InvalidCampaignStateException) come from the JSON body,
 * - `$metadata.requestId` comes from `x-amzn-RequestId`.
 * Node adds the `date` header itself (res.sendDate).
 */

const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazonaws.connectcampaignsv2/';

/** httpError status of every exception in the model. */
export const MODELLED_ERROR_STATUS: Readonly<Record<string, number>> = {
  AccessDeniedException: 403,
  ConflictException: 409,
  InternalServerException: 500,
  InvalidCampaignStateException: 409,
  InvalidStateException: 409,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  ValidationException: 400,
};

/** Default messages, worded like the service's. */
const DEFAULT_MESSAGES: Readonly<Record<string, string>> = {
  AccessDeniedException: 'User is not authorized to perform this action',
  ConflictException: 'The request could not be processed because of a conflict',
  InternalServerException: 'Internal service error',
  InvalidCampaignStateException: 'Campaign is not in a valid state for this operation',
  ResourceNotFoundException: 'Resource not found',
  ThrottlingException: 'Rate exceeded',
  ValidationException: 'Invalid input',
};

/** Error names become a header value: keep them to token characters. */
export const ERROR_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.]{0,127}$/;

/** An error answer in AWS form. Thrown by operation handlers, written by writeError. */
export class ServiceError extends Error {
  readonly errorName: string;
  readonly status: number;
  readonly state: AnsweredCampaignStateWire | undefined;

  constructor(errorName: string, message?: string, options: { status?: number; state?: AnsweredCampaignStateWire } = {}) {
    super(message ?? DEFAULT_MESSAGES[errorName] ?? errorName);
    this.name = 'ServiceError';
    this.errorName = errorName;
    this.status = options.status ?? MODELLED_ERROR_STATUS[errorName] ?? 400;
    this.state = options.state;
  }
}

export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', message);
}

function baseHeaders(contentLength: number): Record<string, string | number> {
  return {
    'content-type': 'application/json',
    'content-length': contentLength,
    'x-amzn-RequestId': randomUUID(),
  };
}

/** 200 with a JSON document, or with an empty body for Unit outputs (Start/Stop/Pause/Resume). */
export function writeOk(res: ServerResponse, json?: string): void {
  if (json === undefined) {
    res.writeHead(200, baseHeaders(0));
    res.end();
    return;
  }
  const body = Buffer.from(json, 'utf8');
  res.writeHead(200, baseHeaders(body.length));
  res.end(body);
}

export function writeError(res: ServerResponse, error: ServiceError): void {
  const payload: { message: string; state?: AnsweredCampaignStateWire } = { message: error.message };
  if (error.errorName === 'InvalidCampaignStateException') {
    // `state` is a required member of InvalidCampaignStateException.
    payload.state = error.state ?? 'Running';
  } else if (error.state !== undefined) {
    payload.state = error.state;
  }
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const headers = baseHeaders(body.length);
  headers['x-amzn-ErrorType'] = error.errorName + ERROR_TYPE_SUFFIX;
  res.writeHead(error.status, headers);
  res.end(body);
}
