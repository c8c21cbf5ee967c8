import type { Role } from './roles.ts';

/** Why a login failed; recorded, never told to the caller (who gets one message for all). */
export type LoginFailure = 'unknown_user' | 'bad_password' | 'locked' | 'disabled';
/** Why presented credentials were refused (`rate_limited`: not even checked, the address failed too often). */
export type CredentialFailure = 'malformed' | 'unknown' | 'expired' | 'revoked' | 'invalid_token' | 'reused' | 'ambiguous' | 'rate_limited';

/**
 * Account, session and key events, all on the stream `security`. None carries a secret: keys appear by
 * id and display prefix, users by id and name.
 */
export type SecurityEvent =
  | { readonly type: 'UserCreated'; readonly data: { readonly id: string; readonly username: string; readonly role: Role } }
  | { readonly type: 'LoginSucceeded'; readonly data: { readonly userId: string; readonly username: string; readonly sessionId: string } }
  /** `username` is null for an unknown user: what was typed may be a password typed into the wrong field. */
  | { readonly type: 'LoginFailed'; readonly data: { readonly username: string | null; readonly userId: string | null; readonly reason: LoginFailure } }
  /** Locked for sign-ins from `clientIp` only, so that nobody can lock a user out from elsewhere. */
  | { readonly type: 'AccountLocked'; readonly data: { readonly userId: string; readonly username: string; readonly until: string; readonly clientIp: string } }
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
      readonly data: {
        readonly method: 'api_key' | 'bearer' | 'refresh_token'; readonly reason: CredentialFailure; readonly keyId: string | null;
        /** How many refusals this event stands for, when more than one: the same failure repeated from one address within a window. */
        readonly count?: number;
      };
    }
  | { readonly type: 'PermissionDenied'; readonly data: { readonly method: string; readonly route: string; readonly needed: string } };

export const SECURITY_STREAM = 'security';
