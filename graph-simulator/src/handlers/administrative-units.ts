/** Administrative units and their members. */
import { ADMINISTRATIVE_UNIT_PROPERTIES, FILTERABLE } from '../model/schema';
import { page, renderDirectoryObject } from '../protocol/collections';
import { parseQueryOptions, project } from '../protocol/odata';
import { Operation, json, metadataUrl, noContent } from '../protocol/operation';
import { bodyObject, listQuery, liveObjects, referenceFromBody, selectObjects } from './common';

const render = (props: Record<string, unknown>, select?: string[]) =>
  project(props, select, ADMINISTRATIVE_UNIT_PROPERTIES, ADMINISTRATIVE_UNIT_PROPERTIES, 'administrativeUnit');

export const listAdministrativeUnits: Operation = (request, { directory }) => {
  const options = listQuery(request, 'AdministrativeUnit', ADMINISTRATIVE_UNIT_PROPERTIES, FILTERABLE.administrativeUnit);
  const units = selectObjects(directory.administrativeUnits(), options);
  return page(request, options, units, (u) => render(u.props, options.select), { context: 'directory/administrativeUnits' });
};

export const getAdministrativeUnit: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'AdministrativeUnit');
  const unit = directory.requireUnit(request.params.id);
  return json(200, { '@odata.context': metadataUrl(request, 'directory/administrativeUnits/$entity'), ...render(unit.props, options.select) });
};

export const createAdministrativeUnit: Operation = (request, { directory }) => {
  const unit = directory.createAdministrativeUnit(bodyObject(request));
  return json(
    201,
    { '@odata.context': metadataUrl(request, 'directory/administrativeUnits/$entity'), ...render(unit.props) },
    { Location: `${request.origin}/v1.0/directory/administrativeUnits/${unit.id}` },
  );
};

export const updateAdministrativeUnit: Operation = (request, { directory }) => {
  directory.updateAdministrativeUnit(request.params.id, bodyObject(request));
  return noContent();
};

export const deleteAdministrativeUnit: Operation = (request, { directory }) => {
  directory.deleteAdministrativeUnit(request.params.id);
  return noContent();
};

export const listAdministrativeUnitMembers: Operation = (request, { directory }) => {
  const options = parseQueryOptions(request.query, request.headers, 'DirectoryObject');
  const unit = directory.requireUnit(request.params.id);
  const members = liveObjects(directory, directory.unitMembersOf(unit.id));
  return page(request, options, members, (m) => renderDirectoryObject(m, options.select), { context: 'directoryObjects' });
};

export const addAdministrativeUnitMember: Operation = (request, { directory }) => {
  directory.addUnitMember(request.params.id, referenceFromBody(request));
  return noContent();
};

export const removeAdministrativeUnitMember: Operation = (request, { directory }) => {
  directory.removeUnitMember(request.params.id, request.params.memberId);
  return noContent();
};
