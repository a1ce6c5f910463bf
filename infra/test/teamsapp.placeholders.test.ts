/**
 * Every `${{VAR}}` a Toolkit action resolves is defined when that action runs: declared in the environment's env
 * file, filled in by the Toolkit itself, or written by an earlier action (`writeToEnvironmentFile`) or by the Bicep
 * outputs of an earlier `arm/deploy`. The actions run in order: provision, deploy, publish. `arm/deploy` also
 * resolves infra/azure.parameters.json, and validateManifest / zipAppPackage resolve appPackage/manifest.json.
 */
import { readOutputNames } from './support/bicep';
import {
  LIFECYCLE_STAGES,
  PROJECT_FILES,
  TOOLKIT_RESOLVED,
  actionsOf,
  parseYaml,
  placeholders,
  readEnvFile,
  readText,
} from './support/toolkit';

const PARAMETERS_FILE = 'infra/azure.parameters.json';
const MANIFEST_FILE = 'appPackage/manifest.json';
/** The names appPackage/manifest.json is agreed to use, whatever its current text. */
const MANIFEST_CONTRACT = ['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN', 'APP_NAME_SUFFIX'];

interface Use {
  step: string;
  name: string;
}

/** Walks a project's actions in order; returns each placeholder used before anything defined it. */
function undefinedPlaceholders(project: unknown, envKeys: Iterable<string>, label: string): Use[] {
  const defined = new Set<string>([...envKeys, ...TOOLKIT_RESOLVED]);
  const missing: Use[] = [];
  const check = (step: string, text: string) => {
    for (const name of placeholders(text)) if (!defined.has(name)) missing.push({ step, name });
  };
  for (const stage of LIFECYCLE_STAGES) {
    actionsOf(project, stage).forEach((action, i) => {
      const step = `${label} ${stage}[${i}] ${action.uses}`;
      check(step, JSON.stringify(action));
      if (action.uses === 'arm/deploy') {
        check(`${step} (${PARAMETERS_FILE})`, readText(PARAMETERS_FILE));
        readOutputNames(readText('infra/azure.bicep')).forEach((name) => defined.add(name));
      }
      if (action.uses === 'teamsApp/validateManifest' || action.uses === 'teamsApp/zipAppPackage') {
        check(`${step} (${MANIFEST_FILE})`, [readText(MANIFEST_FILE), ...MANIFEST_CONTRACT.map((n) => `\${{${n}}}`)].join('\n'));
      }
      Object.values(action.writeToEnvironmentFile ?? {}).forEach((name) => defined.add(name));
    });
  }
  return missing;
}

describe('Placeholders', () => {
  test.each(PROJECT_FILES.map((p) => [p.file, p.envFile]))('When %s runs with %s, then every placeholder is defined before it is used', (file, envFile) => {
    const project = parseYaml(readText(file), file);

    expect(undefinedPlaceholders(project, readEnvFile(envFile).keys(), file)).toEqual([]);
  });

  test('When an action uses a variable that only a later action writes, then the walk reports it', () => {
    const project = {
      version: 'v1.7',
      provision: [
        { uses: 'teamsApp/update', with: { appPackagePath: './appPackage/build/appPackage.${{TEAMS_APP_ID}}.zip' } },
        { uses: 'teamsApp/create', with: { name: 'Rewind' }, writeToEnvironmentFile: { teamsAppId: 'TEAMS_APP_ID' } },
      ],
    };

    expect(undefinedPlaceholders(project, [], 'reordered')).toEqual([{ step: 'reordered provision[0] teamsApp/update', name: 'TEAMS_APP_ID' }]);
  });

  test('When a Bicep output is used before arm/deploy, then the walk reports it', () => {
    const project = { version: 'v1.7', deploy: [{ uses: 'azureAppService/zipDeploy', with: { artifactFolder: '.', resourceId: '${{BOT_AZURE_APP_SERVICE_RESOURCE_ID}}' } }] };

    expect(undefinedPlaceholders(project, [], 'no provision').map((u) => u.name)).toEqual(['BOT_AZURE_APP_SERVICE_RESOURCE_ID']);
  });

  test('When provision resolves azure.parameters.json, then only the two group ids are left for the operator to fill in', () => {
    // The Toolkit leaves an empty variable unreplaced and then refuses to deploy (fx-core checkPlaceholderInTemplate),
    // so every parameter needs a value in env/.env.dev except the ones infra/README.md asks the operator to set.
    const env = readEnvFile('env/.env.dev');
    const empty = placeholders(readText(PARAMETERS_FILE)).filter((name) => !(TOOLKIT_RESOLVED as readonly string[]).includes(name) && !env.get(name));

    expect(empty.sort()).toEqual(['HELPDESK_GROUP_ID', 'SECURITY_LEADS_GROUP_ID']);
  });

  test.each(PROJECT_FILES.map((p) => [p.envFile, p.env]))('When %s is read, then it names its environment and holds no secret', (envFile, env) => {
    const values = readEnvFile(envFile);

    expect(values.get('TEAMSFX_ENV')).toBe(env);
    expect([...values.keys()].filter((k) => k.startsWith('SECRET_') || /PASSWORD|_KEY$|CONNECTION_STRING/.test(k))).toEqual([]);
  });

  test('When a secret is written by an action, then it goes to a SECRET_ variable (kept in the gitignored .user file)', () => {
    const local = parseYaml(readText('teamsapp.local.yml'), 'teamsapp.local.yml');
    const aad = actionsOf(local, 'provision').find((a) => a.uses === 'aadApp/create');

    expect(aad?.writeToEnvironmentFile?.clientSecret).toMatch(/^SECRET_/);
  });
});
