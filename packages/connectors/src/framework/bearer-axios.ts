/**
 * An axios instance whose requests carry the secret's bearer token, and which survives a revoked or
 * expired token: a 401 drops exactly the token it used (compare-and-invalidate) and retries once.
 */
import type { AxiosInstance, CreateAxiosDefaults, InternalAxiosRequestConfig } from 'axios';
import type { HttpClient, TokenProvider } from '@tessera/core';

interface TokenedConfig extends InternalAxiosRequestConfig {
  tesseraToken?: string;
  tesseraRetried?: boolean;
}

export function createBearerAxios(http: HttpClient, tokens: TokenProvider, secretId: string, defaults: CreateAxiosDefaults = {}): AxiosInstance {
  const instance = http.createAxios(defaults);
  instance.interceptors.request.use(async (config: TokenedConfig) => {
    const token = await tokens.getToken(secretId);
    config.tesseraToken = token.accessToken;
    config.headers.set('Authorization', `Bearer ${token.accessToken}`);
    return config;
  });
  // A 401 is retried once with a new token, whether axios resolved it (a permissive validateStatus)
  // or rejected it; a body that cannot be sent twice (a stream) is not retried.
  const retry = (config: TokenedConfig | undefined, status: number | undefined) => {
    if (status !== 401 || !config || config.tesseraRetried || config.tesseraToken === undefined || !replayable(config.data)) return undefined;
    tokens.invalidate(secretId, config.tesseraToken);
    config.tesseraRetried = true;
    return instance.request(config);
  };
  instance.interceptors.response.use(
    (response) => retry(response.config as TokenedConfig, response.status) ?? response,
    async (error: { config?: TokenedConfig; response?: { status: number } }) => {
      const retried = retry(error.config, error.response?.status);
      if (retried === undefined) throw error;
      return retried;
    },
  );
  return instance;
}

function replayable(data: unknown): boolean {
  return !(data !== null && typeof data === 'object' && typeof (data as { pipe?: unknown }).pipe === 'function');
}
