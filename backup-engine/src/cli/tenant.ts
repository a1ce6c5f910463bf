/**
 * Which tenant a command reads. `--tenant <id>` wins; otherwise the tenant of the configured Graph
 * (`gateway.getTenant()`). When Graph cannot be reached, a read-only command falls back to the only tenant the store
 * knows, so snapshots stay readable offline.
 *
 * The store's port can only query within one tenant, so the CLI keeps a small registry of the tenants it has seen:
 * one document in the `catalog` container (partition `rewind|tenants`, id `tenants`), written after a backup and
 * whenever Graph names a tenant the registry does not list yet. A point read; prune and check (scoped by tenant id)
 * never touch it.
 */
import type { DirectoryGateway, TenantInfo } from '../ports/directory-gateway';
import { SnapshotStore, StoredDocument, isPreconditionFailedError } from '../ports/snapshot-store';
import { NotFoundError, UsageError } from './errors';

export const TENANT_REGISTRY_KEY = { pk: 'rewind|tenants', id: 'tenants' } as const;

export interface KnownTenant {
  tenantId: string;
  displayName: string;
  defaultDomain: string;
  lastBackupAt?: string;
}

export interface TenantRegistryDocument extends StoredDocument {
  type: 'tenants';
  tenants: KnownTenant[];
}

export async function knownTenants(store: SnapshotStore): Promise<KnownTenant[]> {
  const read = await store.read<TenantRegistryDocument>('catalog', TENANT_REGISTRY_KEY);
  return read?.document.tenants ?? [];
}

/** Adds or updates the tenant in the registry; returns without writing when nothing would change. */
export async function registerTenant(store: SnapshotStore, tenant: TenantInfo, lastBackupAt?: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const read = await store.read<TenantRegistryDocument>('catalog', TENANT_REGISTRY_KEY);
    const tenants = read?.document.tenants ?? [];
    const existing = tenants.find((t) => t.tenantId === tenant.tenantId);
    const entry: KnownTenant = {
      tenantId: tenant.tenantId, displayName: tenant.displayName, defaultDomain: tenant.defaultDomain,
      lastBackupAt: lastBackupAt ?? existing?.lastBackupAt,
    };
    if (existing && JSON.stringify(existing) === JSON.stringify(entry)) return;
    const document: TenantRegistryDocument = {
      ...TENANT_REGISTRY_KEY, tenantId: TENANT_REGISTRY_KEY.pk, type: 'tenants',
      tenants: [...tenants.filter((t) => t.tenantId !== tenant.tenantId), entry].sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
    };
    try {
      if (read) await store.upsert('catalog', document, { ifMatch: read.etag });
      else await store.insert('catalog', document);
      return;
    } catch (error) {
      if (!isPreconditionFailedError(error) && !(error instanceof Error && error.name === 'ConflictError')) throw error;
    }
  }
}

export interface ResolvedTenant {
  tenantId: string;
  displayName?: string;
  source: 'option' | 'graph' | 'store';
  /** Why the store's tenant was used (for stderr). */
  note?: string;
  /** What Graph said, when it answered. */
  graphTenant?: TenantInfo;
}

export interface ResolveTenantOptions {
  gateway: DirectoryGateway;
  store: SnapshotStore;
  explicit?: string;
  /** Read-only commands may fall back to the store's only tenant when Graph is unreachable. */
  readOnly: boolean;
  /** How long a read-only command waits for Graph before falling back. */
  timeoutInMs: number;
  graphBaseUrl?: string;
}

export async function resolveTenant(options: ResolveTenantOptions): Promise<ResolvedTenant> {
  if (options.explicit && options.readOnly) return { tenantId: options.explicit, source: 'option' };
  let graphTenant: TenantInfo;
  try {
    graphTenant = options.readOnly ? await withTimeout(options.gateway.getTenant(), options.timeoutInMs) : await options.gateway.getTenant();
  } catch (error) {
    if (!options.readOnly) throw error;
    const tenants = await knownTenants(options.store);
    const where = options.graphBaseUrl ? ` at ${options.graphBaseUrl}` : '';
    const reason = error instanceof Error ? error.message : String(error);
    if (tenants.length === 1) {
      const [only] = tenants;
      return {
        tenantId: only.tenantId, displayName: only.displayName, source: 'store',
        note: `Graph${where} did not answer (${reason}); reading ${only.displayName || only.tenantId} (${only.tenantId}), the only tenant in the store`,
      };
    }
    if (!tenants.length) {
      throw new NotFoundError(`Graph${where} did not answer (${reason}) and the store knows no tenant yet`, 'check GRAPH_BASE_URL (or start the simulator: `npm run simulator`), or pass --tenant <id>');
    }
    throw new UsageError(
      `Graph${where} did not answer (${reason}) and the store holds several tenants: ${tenants.map((t) => `${t.tenantId} (${t.displayName})`).join(', ')}; pass --tenant <id>`,
    );
  }
  if (options.explicit && options.explicit !== graphTenant.tenantId.toLowerCase()) {
    throw new UsageError(`--tenant ${options.explicit} is not the tenant of the configured Graph (${graphTenant.tenantId}, ${graphTenant.displayName}); a backup always reads the configured tenant`);
  }
  await registerTenant(options.store, graphTenant);
  return { tenantId: graphTenant.tenantId, displayName: graphTenant.displayName, source: 'graph', graphTenant };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
