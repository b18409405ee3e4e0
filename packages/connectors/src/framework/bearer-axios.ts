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
  instance.interceptors.response.use(undefined, async (error: { config?: TokenedConfig; response?: { status: number } }) => {
    const config = error.config;
    if (error.response?.status !== 401 || !config || config.tesseraRetried || config.tesseraToken === undefined) throw error;
    tokens.invalidate(secretId, config.tesseraToken);
    config.tesseraRetried = true;
    return instance.request(config);
  });
  return instance;
}
