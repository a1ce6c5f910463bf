/** Recycle bin (deletedItems), directoryObjects, subscribedSkus and organization. */
import { ObjectKind } from '../model/directory';
import { badRequest, notFound, unsupportedQuery } from '../model/errors';
import { page, renderDirectoryObject } from '../protocol/collections';
import { parseQueryOptions, project } from '../protocol/odata';
import { Operation, json, metadataUrl, noContent } from '../protocol/operation';
import { SUBSCRIBED_SKU_PROPERTIES } from '../model/schema';
import { bodyObject, selectObjects } from './common';

const CASTS: Record<string, ObjectKind> = {
  'microsoft.graph.user': 'user',
  'microsoft.graph.group': 'group',
  'microsoft.graph.administrativeUnit': 'administrativeUnit',
};
const CONTEXT: Record<ObjectKind, string> = { user: 'users', group: 'groups', administrativeUnit: 'administrativeUnits' };

/** The bare `/directory/deletedItems` collection is unsupported: a type cast is required (contract §5, X1). */
export const listDeletedItemsWithoutCast: Operation = () => {
  throw unsupportedQuery(
    "The request needs a type cast: use /directory/deletedItems/microsoft.graph.user, microsoft.graph.group or microsoft.graph.administrativeUnit.",
  );
};

export const listDeletedItems: Operation = (request, { directory }) => {
  const kind = CASTS[request.params.cast];
  if (!kind) throw badRequest(`Resource not found for the segment '${request.params.cast}'.`);
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryObject');
  const items = selectObjects(directory.deletedItems(kind), options);
  return page(request, options, items, (o) => {
    const { '@odata.type': _type, ...rest } = renderDirectoryObject(o, options.select);
    void _type;
    return options.select ? rest : { ...rest, deletedDateTime: o.props.deletedDateTime };
  }, { context: CONTEXT[kind] });
};

export const getDeletedItem: Operation = (request, { directory }) => {
  const object = directory.getDeleted(request.params.id);
  if (!object) throw notFound(request.params.id);
  return json(200, {
    '@odata.context': metadataUrl(request, 'directoryObjects/$entity'),
    ...renderDirectoryObject(object, undefined),
    deletedDateTime: object.props.deletedDateTime,
  });
};

export const restoreDeletedItem: Operation = (request, { directory }) => {
  const body = (request.body ?? {}) as Record<string, unknown>;
  if (body.newUserPrincipalName !== undefined && typeof body.newUserPrincipalName !== 'string') {
    throw badRequest("Invalid value specified for parameter 'newUserPrincipalName'.");
  }
  const object = directory.restoreDeleted(request.params.id, {
    newUserPrincipalName: body.newUserPrincipalName as string | undefined,
    autoReconcileProxyConflict: body.autoReconcileProxyConflict === true,
  });
  return json(200, { '@odata.context': metadataUrl(request, 'directoryObjects/$entity'), ...renderDirectoryObject(object, undefined) });
};

export const purgeDeletedItem: Operation = (request, { directory }) => {
  directory.purgeDeleted(request.params.id);
  return noContent();
};

export const getDirectoryObject: Operation = (request, { directory }) => {
  const object = directory.getLive(request.params.id);
  if (!object) throw notFound(request.params.id);
  return json(200, { '@odata.context': metadataUrl(request, 'directoryObjects/$entity'), ...renderDirectoryObject(object, undefined) });
};

const TYPE_NAMES: Record<string, ObjectKind> = { user: 'user', group: 'group', administrativeunit: 'administrativeUnit' };

export const getDirectoryObjectsByIds: Operation = (request, { directory }) => {
  const body = bodyObject(request);
  if (!Array.isArray(body.ids) || body.ids.length > 1000) {
    throw badRequest("Invalid value specified for parameter 'ids' (an array of at most 1000 ids).");
  }
  const types = Array.isArray(body.types) ? (body.types as unknown[]).map((t) => TYPE_NAMES[String(t).toLowerCase()]) : undefined;
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryObject');
  const objects = (body.ids as unknown[])
    .map((id) => directory.getLive(String(id)))
    .filter((o): o is NonNullable<typeof o> => o !== undefined && (!types || types.includes(o.kind)));
  return json(200, {
    '@odata.context': metadataUrl(request, 'directoryObjects'),
    value: objects.map((o) => renderDirectoryObject(o, options.select)),
  });
};

export const listSubscribedSkus: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'SubscribedSku');
  const skus = [...directory.skus.values()].map((sku) => ({
    accountId: directory.tenantId,
    accountName: 'Contoso',
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    consumedUnits: directory.consumedUnits(sku.skuId),
    id: `${directory.tenantId}_${sku.skuId}`,
    prepaidUnits: { enabled: sku.enabledUnits, lockedOut: 0, suspended: 0, warning: 0 },
    servicePlans: sku.servicePlans,
    skuId: sku.skuId,
    skuPartNumber: sku.skuPartNumber,
    subscriptionIds: [],
  }));
  return page(request, options, skus, (s) => project(s, options.select, SUBSCRIBED_SKU_PROPERTIES, SUBSCRIBED_SKU_PROPERTIES, 'subscribedSku'), {
    context: 'subscribedSkus',
    unpaged: true,
  });
};

export const listOrganization: Operation = (request, { directory }) =>
  json(200, {
    '@odata.context': metadataUrl(request, 'organization'),
    value: [
      {
        id: directory.tenantId,
        displayName: 'Contoso (simulated)',
        verifiedDomains: directory.domains.map((name, i) => ({ name, isDefault: i === 0, isInitial: name.endsWith('.onmicrosoft.com'), type: 'Managed', capabilities: 'Email, OfficeCommunicationsOnline' })),
      },
    ],
  });
