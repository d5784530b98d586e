/**
 * The error documents the Lambda Runtime API answers with, as AWS's runtime API (open-sourced in
 * the Runtime Interface Emulator, internal/lambda/rapi/rendering) renders them.
 */

/** Largest response body a runtime may post: 6 MiB + 100 bytes (RIE interop.MaxPayloadSize). */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

export interface ApiError {
  status: number;
  body: { errorMessage: string; errorType: string };
}

export const invalidRequestId = (): ApiError => ({
  status: 400,
  body: { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' },
});

/** A call that is not allowed in the runtime's current state (e.g. a second response). */
export const invalidStateTransition = (from: string, to: string): ApiError => ({
  status: 403,
  body: {
    errorMessage: `State transition from ${from} to ${to} failed for runtime. Error: State transition is not allowed`,
    errorType: 'InvalidStateTransition',
  },
});

export const requestEntityTooLarge = (): ApiError => ({
  status: 413,
  body: {
    errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
    errorType: 'RequestEntityTooLarge',
  },
});

export const notFound = (): ApiError => ({
  status: 404,
  body: { errorMessage: 'Not Found', errorType: 'NotFound' },
});

export const internalServerError = (): ApiError => ({
  status: 500,
  body: { errorMessage: 'Internal Server Error', errorType: 'InternalServerError' },
});

/** The function error the caller gets when the runtime posted a body over the limit. */
export function responseTooLargeError(size: number): { errorType: string; errorMessage: string } {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size (${size} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  };
}
