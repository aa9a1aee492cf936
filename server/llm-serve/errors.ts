/**
 * Errors of the model server in OpenAI's shape (`{error: {message, type, param, code}}`), because the
 * clients that read them are OpenAI clients: the official `openai` package turns this body into an
 * APIError with `.status`, `.code` and `.param`.
 */
export type OpenAiErrorType = 'invalid_request_error' | 'server_error';

export class LlmServeError extends Error {
  constructor(
    readonly status: number,
    readonly type: OpenAiErrorType,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'LlmServeError';
  }

  static invalid(message: string, code: string, param: string | null = null): LlmServeError {
    return new LlmServeError(400, 'invalid_request_error', code, message, param);
  }

  static notFound(path: string): LlmServeError {
    return new LlmServeError(404, 'invalid_request_error', 'not_found', `no route ${path}`);
  }

  static methodNotAllowed(method: string, path: string): LlmServeError {
    return new LlmServeError(405, 'invalid_request_error', 'method_not_allowed', `${method} is not allowed on ${path}`);
  }

  static tooLarge(limit: number): LlmServeError {
    return new LlmServeError(413, 'invalid_request_error', 'body_too_large', `request body over ${limit} bytes`);
  }

  static contextExceeded(promptTokens: number, contextSize: number): LlmServeError {
    return new LlmServeError(
      400,
      'invalid_request_error',
      'context_length_exceeded',
      `the messages take ${promptTokens} tokens; with max_tokens they do not fit this server's context of ${contextSize} tokens (kwerenda llm-serve --ctx)`,
      'messages',
    );
  }

  static internal(): LlmServeError {
    return new LlmServeError(500, 'server_error', 'internal_error', 'the model failed to answer');
  }

  toBody(): { error: { message: string; type: OpenAiErrorType; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}
