import type { LinkAction } from './action-links.ts';

/** That a link was used: by whom it was sent to, on which alert, when. */
export interface LinkUse {
  readonly notificationId: string;
  readonly action: LinkAction;
  readonly alertId: string;
  readonly recipient: string;
  readonly usedAt: Date;
}

export interface ActionLinkRepo {
  /** Records the use; false when the link was used already (atomically, across nodes). */
  claim(use: LinkUse): Promise<boolean>;
  find(notificationId: string, action: LinkAction): Promise<LinkUse | null>;
}
