import { join, resolve } from 'node:path';
import { COMMON_HELP, COMMON_OPTIONS, connect, parse } from '../cli/common.js';
import { UsageError } from '../cli/errors.js';
import { makeDirectory, writeWholeFile } from '../cli/files.js';
import type { Api } from '../cli/http.js';
import { emit, metric, table } from '../cli/output.js';

export const modelHelp = `federa model <list|promote|rollback|pull> [options]
  model list [NAME]              models with labels, or one model's versions
  model promote NAME VERSION     point a label at a version (--label L, default production)
  model rollback NAME            move a label back to its previous version (--label L)
  model pull NAME                download TF.js artifacts (--version V | --label L, default the latest version;
                                 --out DIR, default ./NAME-vV)
Moves need a researcher or admin token (--token / FEDERA_TOKEN).
${COMMON_HELP}`;

interface Version {
  version: number;
  round: number;
  hash: string;
  metrics: Record<string, number>;
}
interface Label {
  label: string;
  version: number;
}

/** `federa model ...` against the registry REST (/v1/registry) and TF.js artifact routes (/models). */
export async function modelCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(modelHelp);
    return sub === undefined ? 2 : 0;
  }
  const { values, positionals } = parse(
    rest,
    {
      ...COMMON_OPTIONS,
      label: { type: 'string' },
      version: { type: 'string' },
      out: { type: 'string' },
    },
    `model ${sub}`,
    2,
  );
  if (values.help) {
    console.log(modelHelp);
    return 0;
  }
  const { api } = connect(values);
  const json = values.json ?? false;
  const [name, versionArg] = positionals;
  const needName = () => {
    if (!name)
      throw new UsageError(`model ${sub} needs a model NAME (the run id). See 'federa model --help'`);
    return encodeURIComponent(name);
  };
  const label = encodeURIComponent(values.label ?? 'production');
  switch (sub) {
    case 'list':
      if (name) return listVersions(api, needName(), json);
      return listModels(api, json);
    case 'promote': {
      const m = needName();
      const version = Number(versionArg ?? values.version);
      if (!Number.isInteger(version) || version < 0)
        throw new UsageError('model promote needs a VERSION (integer >= 0)');
      const moved = await api.json<Label>('PUT', `/v1/registry/models/${m}/labels/${label}`, { version });
      emit(json, moved, () => `${name}: ${moved.label} -> v${moved.version}`);
      return 0;
    }
    case 'rollback': {
      const moved = await api.json<Label>(
        'POST',
        `/v1/registry/models/${needName()}/labels/${label}/rollback`,
      );
      emit(json, moved, () => `${name}: ${moved.label} rolled back to v${moved.version}`);
      return 0;
    }
    case 'pull':
      return pull(api, needName(), values, json);
    default:
      throw new UsageError(`unknown subcommand 'model ${sub}'. See 'federa model --help'`);
  }
}

async function listModels(api: Api, json: boolean): Promise<number> {
  const { models } = await api.json<{
    models: Array<{ name: string; latestVersion: number; labels: Record<string, number> }>;
  }>('GET', '/v1/registry/models');
  emit(json, models, () =>
    models.length === 0
      ? 'no models'
      : table(
          ['model', 'latest', 'labels'],
          models.map((m) => [
            m.name,
            `v${m.latestVersion}`,
            Object.entries(m.labels)
              .map(([l, v]) => `${l}=v${v}`)
              .join(' '),
          ]),
        ),
  );
  return 0;
}

async function listVersions(api: Api, m: string, json: boolean): Promise<number> {
  const model = await api.json<{ versions: Version[]; labels: Label[] }>('GET', `/v1/registry/models/${m}`);
  emit(json, model, () =>
    table(
      ['version', 'round', 'accuracy', 'loss', 'labels', 'hash'],
      model.versions.map((v) => [
        `v${v.version}`,
        v.round,
        metric(v.metrics['test_accuracy'] ?? v.metrics['accuracy']),
        metric(v.metrics['test_loss'] ?? v.metrics['train_loss']),
        model.labels
          .filter((l) => l.version === v.version)
          .map((l) => l.label)
          .join(','),
        v.hash.slice(0, 12),
      ]),
    ),
  );
  return 0;
}

async function pull(
  api: Api,
  m: string,
  values: { version?: string; label?: string | undefined; out?: string },
  json: boolean,
) {
  // No flag: the registry's virtual `latest` label, the newest committed version.
  const label = values.label ?? 'latest';
  const version =
    values.version !== undefined
      ? Number(values.version)
      : (
          await api.json<{ version: number }>(
            'GET',
            `/v1/registry/models/${m}/labels/${encodeURIComponent(label)}`,
          )
        ).version;
  if (!Number.isInteger(version) || version < 0)
    throw new UsageError(`--version must be an integer >= 0, got '${values.version}'`);
  const base = `/models/${m}/versions/${version}/`;
  const manifest = await api.json<{
    weightsManifest: Array<{ paths: string[] }>;
    userDefinedMetadata?: { federa?: { transform?: unknown } };
  }>('GET', `${base}model.json`);
  const dir = resolve(values.out ?? `${decodeURIComponent(m)}-v${version}`);
  makeDirectory(dir);
  const files: string[] = [];
  for (const group of manifest.weightsManifest) {
    group.paths = group.paths.map((p) => p.split('/').at(-1)!);
    for (const file of group.paths) {
      writeWholeFile(join(dir, file), await api.bytes(`${base}${file}`));
      files.push(file);
    }
  }
  writeWholeFile(join(dir, 'model.json'), JSON.stringify(manifest));
  // A tabular run's preprocessing (docs/serving.md): apply it to raw rows before the model.
  const transform = manifest.userDefinedMetadata?.federa?.transform;
  if (transform) {
    writeWholeFile(join(dir, 'transform.json'), JSON.stringify(transform, null, 2));
    files.push('transform.json');
  }
  const chosen =
    values.version !== undefined ? 'as asked' : values.label ? `label ${label}` : 'the latest version';
  emit(
    json,
    { model: decodeURIComponent(m), version, dir, files: ['model.json', ...files] },
    () =>
      `saved ${decodeURIComponent(m)} v${version} (${chosen}) to ${dir} (load with tf.loadLayersModel('file://${dir}/model.json'))`,
  );
  return 0;
}
