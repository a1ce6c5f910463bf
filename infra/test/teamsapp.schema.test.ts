/**
 * The Toolkit project files parse and validate against the Toolkit's v1.7 JSON schema, as the Toolkit itself
 * validates them before running any action; a broken file is reported with every error.
 */
import { readFileSync } from 'node:fs';
import { PROJECT_FILES, SCHEMA_PATH, formatErrors, parseYaml, readText, toolkitValidator } from './support/toolkit';

const validate = toolkitValidator();

function validationReport(project: unknown): string {
  return validate(project) ? '' : formatErrors(validate.errors);
}

describe('Toolkit project files', () => {
  test('When the schema is loaded, then it is the draft-07 v1.7 schema the bundled Toolkit CLI ships', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $schema: string; properties: { version: { const: string } } };

    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.properties.version.const).toBe('v1.7');
  });

  test.each(PROJECT_FILES.map((p) => [p.file]))('When %s is validated against the v1.7 schema, then there are no errors', (file) => {
    const project = parseYaml(readText(file), file);

    expect(validationReport(project)).toBe('');
  });

  test.each(PROJECT_FILES.map((p) => [p.file]))('When %s is read, then it declares version v1.7 and names the v1.7 schema', (file) => {
    const text = readText(file);

    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=https://aka.ms/teams-toolkit/v1.7/yaml.schema.json');
    expect((parseYaml(text, file) as { version: string }).version).toBe('v1.7');
  });

  test('When zipAppPackage lacks outputFolder (required from v1.x), then validation fails naming it', () => {
    const project = parseYaml(readText('teamsapp.yml'), 'teamsapp.yml') as { provision: { uses: string; with: Record<string, unknown> }[] };
    const zip = project.provision.find((a) => a.uses === 'teamsApp/zipAppPackage');
    delete zip?.with.outputFolder;

    const report = validationReport(project);

    expect(report).toContain('"missingProperty":"outputFolder"');
  });

  test('When an action is misspelt, then validation fails', () => {
    const project = parseYaml(readText('teamsapp.yml'), 'teamsapp.yml') as { deploy: { uses: string }[] };
    project.deploy[0].uses = 'cli/runNpmComand';

    expect(validationReport(project)).not.toBe('');
  });

  test('When a project file is not valid YAML, then reading it fails with the file name', () => {
    const broken = 'version: v1.7\nprovision:\n  - uses: teamsApp/create\n   with: {name: x\n';

    expect(() => parseYaml(broken, 'broken.yml')).toThrow(/^broken\.yml is not valid YAML/);
  });

  test('When a key is repeated, then reading fails', () => {
    expect(() => parseYaml('version: v1.7\nversion: v1.7\n', 'twice.yml')).toThrow(/twice\.yml is not valid YAML/);
  });
});
