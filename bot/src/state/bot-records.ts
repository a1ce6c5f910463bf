/**
 * The bot's own small records, next to the engine's in the `catalog` container (so a restart loses nothing):
 *
 *   partition `bot|channels`  id `approvals` | `summary`: the conversation reference chosen with `set … channel`
 *   partition `bot|users`     id = the user's Entra object id: their Teams MRI (`activity.from.id`, for card
 *                             `refresh.userIds`) and the reference of their personal chat with the bot, if any
 *   partition `bot|requests`  id = restore id: where the request was made, who was named as approver, where the
 *                             shared approval card was posted
 *
 * Conversation references are stored as plain JSON (botbuilder's `Partial<ConversationReference>`); this module
 * does not import botbuilder. Nothing secret is stored here.
 */
import type { SnapshotStore, StoredDocument } from '../../../backup-engine/src/ports/snapshot-store';

/** botbuilder's `Partial<ConversationReference>`, kept opaque here. */
export type StoredReference = Record<string, unknown>;

export type ChannelPurpose = 'approvals' | 'summary';

interface ChannelDocument extends StoredDocument {
  type: 'botChannel';
  purpose: ChannelPurpose;
  reference: StoredReference;
  setBy: string;
  setAt: string;
}

export interface UserRecord {
  objectId: string;
  /** Teams user id (MRI, `29:…`) as seen in `activity.from.id`. */
  mri?: string;
  /** Reference of the user's personal (1:1) chat with the bot. */
  personalReference?: StoredReference;
  seenAt: string;
}

interface UserDocument extends StoredDocument, UserRecord {
  type: 'botUser';
}

export interface RequestRecord {
  requestId: string;
  requesterObjectId: string;
  /** Where the requester clicked "Request approval". */
  requestReference?: StoredReference;
  /** `any` or the object id of the security lead the requester named. */
  selectedApproverId: string;
  /** The shared approval card(s) posted. */
  posts: { reference: StoredReference; activityId?: string }[];
}

interface RequestDocument extends StoredDocument, RequestRecord {
  type: 'botRequest';
}

const CHANNELS = 'bot|channels';
const USERS = 'bot|users';
const REQUESTS = 'bot|requests';
const TENANT = 'bot';

export class BotRecords {
  constructor(private readonly store: SnapshotStore) {}

  async setChannel(purpose: ChannelPurpose, reference: StoredReference, setBy: string, now: Date = new Date()): Promise<void> {
    const document: ChannelDocument = { id: purpose, pk: CHANNELS, tenantId: TENANT, type: 'botChannel', purpose, reference, setBy, setAt: now.toISOString() };
    await this.store.upsert('catalog', document);
  }

  async channel(purpose: ChannelPurpose): Promise<StoredReference | undefined> {
    return (await this.store.read<ChannelDocument>('catalog', { pk: CHANNELS, id: purpose }))?.document.reference;
  }

  /** Records the MRI (and the personal chat) of a user the bot has seen; writes only when something changed. */
  async sawUser(objectId: string, mri: string | undefined, personalReference: StoredReference | undefined, now: Date = new Date()): Promise<void> {
    const id = objectId.toLowerCase();
    const current = (await this.store.read<UserDocument>('catalog', { pk: USERS, id }))?.document;
    const next: UserDocument = {
      id, pk: USERS, tenantId: TENANT, type: 'botUser', objectId: id, seenAt: now.toISOString(),
      ...(mri ?? current?.mri ? { mri: mri ?? current?.mri } : {}),
      ...(personalReference ?? current?.personalReference ? { personalReference: personalReference ?? current?.personalReference } : {}),
    };
    if (current && current.mri === next.mri && JSON.stringify(current.personalReference) === JSON.stringify(next.personalReference)) return;
    await this.store.upsert('catalog', next);
  }

  async user(objectId: string): Promise<UserRecord | undefined> {
    return (await this.store.read<UserDocument>('catalog', { pk: USERS, id: objectId.toLowerCase() }))?.document;
  }

  async saveRequest(record: RequestRecord): Promise<void> {
    const document: RequestDocument = { ...record, id: record.requestId, pk: REQUESTS, tenantId: TENANT, type: 'botRequest' };
    await this.store.upsert('catalog', document);
  }

  async request(requestId: string): Promise<RequestRecord | undefined> {
    const document = (await this.store.read<RequestDocument>('catalog', { pk: REQUESTS, id: requestId }))?.document;
    if (!document) return undefined;
    const { requestId: id, requesterObjectId, requestReference, selectedApproverId, posts } = document;
    return { requestId: id, requesterObjectId, ...(requestReference ? { requestReference } : {}), selectedApproverId, posts };
  }

  async addPost(requestId: string, post: { reference: StoredReference; activityId?: string }): Promise<void> {
    const current = await this.request(requestId);
    if (!current) return;
    await this.saveRequest({ ...current, posts: [...current.posts, post] });
  }
}
