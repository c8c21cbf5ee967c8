import type { Role } from './roles.ts';

/** Why a login failed; recorded, never told to the caller (who gets one message for all). */
export type LoginFailure = 'unknown_user' | 'bad_password' | 'locked' | 'disabled';
/** Why presented credentials were refused. */
export type CredentialFailure = 'malformed' | 'unknown' | 'expired' | 'revoked' | 'invalid_token' | 'reused' | 'ambiguous';

/**
 * Account, session and key events, all on the stream `security`. None carries a secret: keys appear by
 * id and display prefix, users by id and name.
 */
export type SecurityEvent =
  | { readonly type: 'UserCreated'; readonly data: { readonly id: string; readonly username: string; readonly role: Role } }
  | { readonly type: 'LoginSucceeded'; readonly data: { readonly userId: string; readonly username: string; readonly sessionId: string } }
  | { readonly type: 'LoginFailed'; readonly data: { readonly username: string; readonly userId: string | null; readonly reason: LoginFailure } }
  | { readonly type: 'AccountLocked'; readonly data: { readonly userId: string; readonly username: string; readonly until: string } }
  | { readonly type: 'RefreshTokenReused'; readonly data: { readonly userId: string; readonly sessionId: string } }
  | { readonly type: 'LoggedOut'; readonly data: { readonly userId: string; readonly sessionId: string | null } }
  | { readonly type: 'UserDisabled' | 'UserEnabled'; readonly data: { readonly userId: string; readonly username: string } }
  | {
      readonly type: 'ApiKeyCreated';
      readonly data: {
        readonly id: string; readonly name: string; readonly owner: string; readonly prefix: string;
        readonly scopes: readonly string[]; readonly expiresAt: string | null;
      };
    }
  | { readonly type: 'ApiKeyRevoked'; readonly data: { readonly id: string; readonly name: string } }
  | {
      readonly type: 'AuthenticationFailed';
      readonly data: { readonly method: 'api_key' | 'bearer' | 'refresh_token'; readonly reason: CredentialFailure; readonly keyId: string | null };
    }
  | { readonly type: 'PermissionDenied'; readonly data: { readonly method: string; readonly route: string; readonly needed: string } };

export const SECURITY_STREAM = 'security';
