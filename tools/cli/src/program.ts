import { readFileSync } from 'node:fs';
import { Argument, Command, CommanderError, Option } from 'commander';
import { LineCounter, parseDocument } from 'yaml';
import type { hub, HubClient } from '@ocopea/api';
import { CliError, describeFailure } from './errors';
import { newUserId, readConfig, writeConfig } from './config';
import { normalizeHubUrl, openSession, type HubSession } from './hub';
import { followOperation, type Operation } from './follow';
import { completionScript } from './completion';
import { FORMATS, render, renderDetails, time, type Column, type Format } from './output';
import { resolveApp, resolveImage, resolveSite, resolveTemplate, type App, type Image, type Site, type Template } from './resolve';

type Env = Record<string, string | undefined>;
type CreateTemplateBody = hub.components['schemas']['CreateApplicationTemplateRequest'];

/** Where the CLI reads its environment from and writes to: the process's, or a test's. */
export interface CliIo {
  env: Env;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Poll interval while following an operation (tests shorten it). */
  pollMs?: number;
}

interface GlobalOpts { hub?: string; output: Format }

const siteCols: Column<Site>[] = [
  { header: 'URN', value: (s) => s.urn }, { header: 'NAME', value: (s) => s.name },
  { header: 'STATUS', value: (s) => s.status }, { header: 'LOCATION', value: (s) => s.location?.name },
  { header: 'URL', value: (s) => s.url }, { header: 'ID', value: (s) => s.id },
];
const templateCols: Column<Template>[] = [
  { header: 'NAME', value: (t) => t.name }, { header: 'VERSION', value: (t) => t.version },
  { header: 'SERVICES', value: (t) => t.appServiceTemplates.map((s) => s.appServiceName).join(', ') },
  { header: 'DESCRIPTION', value: (t) => t.description }, { header: 'ID', value: (t) => t.id },
];
const appCols = (sites: Map<string, string>): Column<App>[] => [
  { header: 'NAME', value: (a) => a.name }, { header: 'STATE', value: (a) => a.state },
  { header: 'SITE', value: (a) => sites.get(a.siteId) ?? a.siteId }, { header: 'URL', value: (a) => a.webEntryPointURL },
  { header: 'MESSAGE', value: (a) => a.stateMessage }, { header: 'ID', value: (a) => a.id },
];
const imageCols = (sites: Map<string, string>): Column<Image>[] => [
  { header: 'NAME', value: (i) => i.name }, { header: 'STATE', value: (i) => i.state },
  { header: 'TAGS', value: (i) => i.tags.join(', ') }, { header: 'SITE', value: (i) => sites.get(i.siteId) ?? i.siteId },
  { header: 'CREATED', value: (i) => time(i.createdDate) }, { header: 'ID', value: (i) => i.id },
];
const opCols: Column<Operation>[] = [
  { header: 'ID', value: (o) => o.id }, { header: 'KIND', value: (o) => o.kind }, { header: 'PHASE', value: (o) => o.phase },
  { header: 'STEP', value: (o) => o.step }, { header: 'PROGRESS', value: (o) => `${o.progress.completed}/${o.progress.total}` },
  { header: 'UPDATED', value: (o) => time(o.updated) }, { header: 'ERROR', value: (o) => o.error?.message },
];

/** The `ocopea` program. `run` parses and executes it; tests call `run` in-process. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('ocopea')
    .description('Drive an Ocopea Hub: templates, sites, apps, saved images, copies and operations.')
    .option('--hub <url>', 'Hub URL (overrides OCOPEA_HUB_URL and the stored login)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(FORMATS as string[]).default('table'))
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .addHelpText('after', `
Examples:
  ocopea login --hub http://localhost:8090 --token-file .data/topology/tokens/hub.token
  ocopea templates create -f template.yaml
  ocopea apps deploy notes --site site-a --name n1
  ocopea images save n1 --name snap --tag demo
  ocopea images deploy snap --site site-b --name n2
  ocopea apps stop n1 -o json`);

  const g = (cmd: Command) => cmd.optsWithGlobals<GlobalOpts>();
  const session = (cmd: Command): HubSession => openSession(g(cmd).hub, io.env);
  const print = <T>(cmd: Command, data: T | T[], cols: Column<T>[]) => io.out(render(data, g(cmd).output, cols));
  const siteNames = async (c: HubClient) => new Map((await c.get('/site')).data.map((s) => [s.id, s.urn] as const));
  const sub = (parent: Command, name: string, description: string) =>
    parent.command(name).description(description).exitOverride().configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) }).showHelpAfterError();

  /** After a command that started an operation: --no-wait prints its id, else follow it and show `result`. */
  const finish = async (cmd: Command, s: HubSession, opId: string | undefined, ids: Record<string, string>, wait: boolean, result: () => Promise<void>) => {
    const fmt = g(cmd).output;
    if (!opId) throw new CliError('the Hub did not name the operation (no x-operation-id header)');
    if (!wait) {
      io.out(fmt === 'table' ? `operation ${opId} started; follow it with \`ocopea ops get ${opId} --watch\`` : render({ operationId: opId, ...ids }, fmt, []));
      return;
    }
    await followOperation(s.client, opId, { log: io.err, intervalMs: io.pollMs });
    await result();
  };

  // ----- login
  // --hub is the program's option (it overrides the stored login everywhere); login requires it.
  sub(program, 'login', 'store the Hub URL (--hub, required) and token in ~/.config/ocopea/config.json (0600)')
    .option('--token-file <file>', 'file holding the bearer token (default: $OCOPEA_TOKEN)')
    .addHelpText('after', '\nExample:\n  ocopea login --hub http://localhost:8090 --token-file .data/topology/tokens/hub.token')
    .action(async (opts: { tokenFile?: string }, cmd: Command) => {
      const flagHub = g(cmd).hub;
      if (!flagHub) cmd.error("error: required option '--hub <url>' not specified", { exitCode: 2 });
      const hubUrl = normalizeHubUrl(flagHub);
      let token = io.env.OCOPEA_TOKEN;
      if (opts.tokenFile) {
        try { token = readFileSync(opts.tokenFile, 'utf8').trim(); } catch (e) { throw new CliError(`cannot read token file ${opts.tokenFile}: ${(e as Error).message}`); }
        if (!token) throw new CliError(`token file ${opts.tokenFile} is empty`);
      }
      const probe = openSession(hubUrl, { ...io.env, OCOPEA_TOKEN: token });
      await probe.client.get('/site');
      const prev = readConfig(io.env);
      const file = writeConfig({ hubUrl, token, userId: prev.userId ?? newUserId() }, io.env);
      const fmt = g(cmd).output;
      io.out(fmt === 'table' ? `logged in to ${hubUrl} (saved in ${file})` : render({ hubUrl, configFile: file }, fmt, []));
    });

  // ----- sites
  const sites = sub(program, 'sites', 'connected Sites (lists them without a verb)')
    .addHelpText('after', '\nExamples:\n  ocopea sites\n  ocopea sites get site-a -o yaml')
    .action(async (_o, cmd: Command) => { print(cmd, (await session(cmd).client.get('/site')).data, siteCols); });
  sub(sites, 'list', 'list connected Sites').addHelpText('after', '\nExample:\n  ocopea sites list -o json').action(async (_o, cmd: Command) => { print(cmd, (await session(cmd).client.get('/site')).data, siteCols); });
  sub(sites, 'get', 'one Site, by URN, name or id').addHelpText('after', '\nExample:\n  ocopea sites get site-a').argument('<site>')
    .action(async (q: string, _o, cmd: Command) => { print(cmd, await resolveSite(session(cmd).client, q), siteCols); });

  // ----- templates
  const templates = sub(program, 'templates', 'the application template catalog')
    .addHelpText('after', '\nExamples:\n  ocopea templates create -f template.yaml\n  ocopea templates get notes:1.0 -o yaml\n  ocopea templates delete notes');
  sub(templates, 'list', 'list templates').addHelpText('after', '\nExample:\n  ocopea templates list -o yaml').action(async (_o, cmd: Command) => { print(cmd, (await session(cmd).client.get('/app/catalog')).data, templateCols); });
  sub(templates, 'get', 'one template, by name, name:version or id').addHelpText('after', '\nExample:\n  ocopea templates get notes:1.0').argument('<template>')
    .action(async (q: string, _o, cmd: Command) => {
      const t = await resolveTemplate(session(cmd).client, q);
      if (g(cmd).output !== 'table') return print(cmd, t, []);
      io.out(renderDetails([['name', t.name], ['version', t.version], ['id', t.id], ['description', t.description], ['entry point', t.entryPointServiceName]]));
      io.out(render(t.appServiceTemplates, 'table', [
        { header: 'SERVICE', value: (s) => s.appServiceName }, { header: 'PSB TYPE', value: (s) => s.psbType },
        { header: 'IMAGE', value: (s) => `${s.imageName}:${s.imageVersion}` },
        { header: 'DEPENDENCIES', value: (s) => (s.dependencies ?? []).map((d) => `${d.name} (${d.protocols?.map((p) => p.protocolName).join('|') ?? d.type})`).join(', ') },
      ]));
    });
  sub(templates, 'create', 'add a template from a YAML or JSON file').addHelpText('after', '\nExample:\n  ocopea templates create -f examples/notes-app/template.yaml').requiredOption('-f, --file <file>', 'template file (.yaml or .json)')
    .action(async (opts: { file: string }, cmd: Command) => {
      const s = session(cmd);
      const body = readTemplateFile(opts.file);
      body.createdByUserId ??= s.userId;
      const { data } = await s.client.post('/commands/createApplicationTemplate', { body });
      print(cmd, data, templateCols);
    });
  sub(templates, 'delete', 'delete a template (instances and images based on it keep working)').addHelpText('after', '\nExample:\n  ocopea templates delete notes:1.0').argument('<template>')
    .action(async (q: string, _o, cmd: Command) => {
      const s = session(cmd);
      const t = await resolveTemplate(s.client, q);
      await s.client.delete('/app/catalog/{appTemplateId}', { path: { appTemplateId: t.id } });
      const fmt = g(cmd).output;
      io.out(fmt === 'table' ? `deleted template ${t.name}:${t.version} (${t.id})` : render({ deleted: t.id }, fmt, []));
    });

  // ----- apps
  const apps = sub(program, 'apps', 'application instances on every Site')
    .addHelpText('after', '\nExamples:\n  ocopea apps list\n  ocopea apps deploy notes --site site-a --name n1\n  ocopea apps stop n1 --no-wait');
  const showApp = async (cmd: Command, c: HubClient, id: string) => {
    const { data } = await c.get('/app/instance-state/{appInstanceId}', { path: { appInstanceId: id } });
    print(cmd, data, appCols(await siteNames(c)));
  };
  sub(apps, 'list', 'list app instances with their state').addHelpText('after', '\nExample:\n  ocopea apps list').action(async (_o, cmd: Command) => {
    const c = session(cmd).client;
    print(cmd, (await c.get('/app/instance-state')).data, appCols(await siteNames(c)));
  });
  sub(apps, 'get', 'one app instance, by name or id').addHelpText('after', '\nExample:\n  ocopea apps get n1 -o json').argument('<app>').action(async (q: string, _o, cmd: Command) => {
    const c = session(cmd).client;
    print(cmd, await resolveApp(c, q), appCols(await siteNames(c)));
  });
  sub(apps, 'deploy', 'deploy a template on a Site (the Hub plans it on that Site)').addHelpText('after', '\nExample:\n  ocopea apps deploy notes --site site-a --name n1').argument('<template>', 'name, name:version or id')
    .requiredOption('--site <site>', 'Site URN, name or id').requiredOption('--name <name>', 'name of the new app (unique across the Hub)')
    .option('--no-wait', 'print the operation id and return')
    .action(async (q: string, opts: { site: string; name: string; wait: boolean }, cmd: Command) => {
      const s = session(cmd);
      const [t, site] = await Promise.all([resolveTemplate(s.client, q), resolveSite(s.client, opts.site)]);
      const deploymentPlan = await planFor(s.client, t.id, site);
      const res = await s.client.post('/commands/deploy-application', { body: {
        appInstanceName: opts.name, appTemplateId: t.id, siteId: site.id, creatorUserId: s.userId, purpose: 'test-dev', deploymentPlan,
      } });
      await finish(cmd, s, res.headers['x-operation-id'], { appInstanceId: res.data }, opts.wait, () => showApp(cmd, s.client, res.data));
    });
  sub(apps, 'stop', 'stop app instances, one after the other').addHelpText('after', '\nExample:\n  ocopea apps stop n1 n2').argument('<app...>', 'names or ids').option('--no-wait', 'print the operation ids and return')
    .action(async (qs: string[], opts: { wait: boolean }, cmd: Command) => {
      const s = session(cmd);
      const fmt = g(cmd).output;
      const targets: App[] = [];
      for (const q of qs) targets.push(await resolveApp(s.client, q)); // every name checked before anything stops
      const results: unknown[] = [];
      for (const a of targets) {
        if (targets.length > 1) io.err(`stopping ${a.name}`);
        const res = await s.client.post('/commands/stop-app', { body: { appInstanceId: a.id, userId: s.userId } });
        const opId = res.headers['x-operation-id'];
        if (opId && !opts.wait) {
          if (fmt === 'table') io.out(`operation ${opId} started; follow it with \`ocopea ops get ${opId} --watch\``);
          results.push({ operationId: opId, appInstanceId: a.id });
          continue;
        }
        if (opId) await followOperation(s.client, opId, { log: io.err, intervalMs: io.pollMs }); // none: it was stopped already
        results.push((await s.client.get('/app/instance-state/{appInstanceId}', { path: { appInstanceId: a.id } })).data);
      }
      const shown = results.length === 1 ? results[0] : results;
      if (fmt !== 'table') io.out(render(shown, fmt, []));
      else if (opts.wait) io.out(render(results as App[], 'table', appCols(await siteNames(s.client))));
    });

  // ----- images
  const images = sub(program, 'images', 'saved images (named, tagged application copies)')
    .addHelpText('after', '\nExamples:\n  ocopea images save n1 --name snap --tag demo\n  ocopea images deploy snap --site site-b --name n2');
  const showImage = async (cmd: Command, c: HubClient, id: string) => {
    const { data } = await c.get('/test-dev/saved-images/{savedImageId}', { path: { savedImageId: id } });
    print(cmd, data, imageCols(await siteNames(c)));
  };
  sub(images, 'list', 'list saved images').addHelpText('after', '\nExample:\n  ocopea images list').action(async (_o, cmd: Command) => {
    const c = session(cmd).client;
    print(cmd, (await c.get('/test-dev/saved-images')).data, imageCols(await siteNames(c)));
  });
  sub(images, 'get', 'one saved image, by name or id').addHelpText('after', '\nExample:\n  ocopea images get snap').argument('<image>').action(async (q: string, _o, cmd: Command) => {
    const c = session(cmd).client;
    print(cmd, await resolveImage(c, q), imageCols(await siteNames(c)));
  });
  sub(images, 'save', 'save an image of a running app').addHelpText('after', '\nExample:\n  ocopea images save n1 --name snap --tag demo --tag v1').argument('<app>', 'name or id')
    .requiredOption('--name <name>', 'image name (unique)')
    .option('--tag <tag>', 'tag (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--comment <text>', 'free text')
    .option('--no-wait', 'print the operation id and return')
    .action(async (q: string, opts: { name: string; tag: string[]; comment?: string; wait: boolean }, cmd: Command) => {
      const s = session(cmd);
      const a = await resolveApp(s.client, q);
      const res = await s.client.post('/commands/create-saved-image', { body: { name: opts.name, appInstanceId: a.id, userId: s.userId, tags: opts.tag, comment: opts.comment ?? null } });
      await finish(cmd, s, res.headers['x-operation-id'], { savedImageId: res.data }, opts.wait, () => showImage(cmd, s.client, res.data));
    });
  sub(images, 'deploy', 'deploy a new app from a saved image, on any Site').addHelpText('after', '\nExample:\n  ocopea images deploy snap --site site-b --name n2').argument('<image>', 'name or id')
    .requiredOption('--site <site>', 'Site URN, name or id').requiredOption('--name <name>', 'name of the new app')
    .option('--no-wait', 'print the operation id and return')
    .action(async (q: string, opts: { site: string; name: string; wait: boolean }, cmd: Command) => {
      const s = session(cmd);
      const [img, site] = await Promise.all([resolveImage(s.client, q), resolveSite(s.client, opts.site)]);
      const deploymentPlan = await planFor(s.client, img.appTemplateId, site);
      const res = await s.client.post('/commands/deploy-saved-image', { body: {
        appInstanceName: opts.name, savedImageId: img.id, userId: s.userId, siteId: site.id, deploymentPlan,
      } });
      await finish(cmd, s, res.headers['x-operation-id'], { appInstanceId: res.data }, opts.wait, () => showApp(cmd, s.client, res.data));
    });

  // ----- copies
  const copies = sub(program, 'copies', 'application copies').addHelpText('after', '\nExample:\n  ocopea copies create n1');
  sub(copies, 'create', 'take an application copy of a running app now').addHelpText('after', '\nExample:\n  ocopea copies create n1 --no-wait').argument('<app>', 'name or id')
    .option('--no-wait', 'print the operation id and return')
    .action(async (q: string, opts: { wait: boolean }, cmd: Command) => {
      const s = session(cmd);
      const a = await resolveApp(s.client, q);
      const res = await s.client.post('/commands/create-app-copy', { body: { appInstanceId: a.id } });
      const fmt = g(cmd).output;
      await finish(cmd, s, res.headers['x-operation-id'], { appCopyId: res.data }, opts.wait, async () => {
        io.out(fmt === 'table' ? `copy ${res.data} of ${a.name} created` : render({ appCopyId: res.data, appInstanceId: a.id }, fmt, []));
      });
    });

  // ----- operations
  const ops = sub(program, 'ops', 'the Hub\'s long-running operations').addHelpText('after', '\nExamples:\n  ocopea ops list --kind deploy\n  ocopea ops get 7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918 --watch');
  sub(ops, 'list', 'list operations, newest first').addHelpText('after', '\nExample:\n  ocopea ops list --kind deploy --app n1')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(['deploy', 'copy', 'saved-image', 'transfer', 'stop']))
    .option('--app <app>', 'only those of this app (name or id)')
    .action(async (opts: { kind?: Operation['kind']; app?: string }, cmd: Command) => {
      const c = session(cmd).client;
      const appInstanceId = opts.app ? (await resolveApp(c, opts.app)).id : undefined;
      print(cmd, (await c.get('/operations', { query: { kind: opts.kind, appInstanceId } })).data, opCols);
    });
  sub(ops, 'get', 'one operation with its steps').addHelpText('after', '\nExample:\n  ocopea ops get 7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918 --watch').argument('<operation>', 'operation id').option('--watch', 'follow it until it ends')
    .action(async (id: string, opts: { watch?: boolean }, cmd: Command) => {
      const c = session(cmd).client;
      const op = opts.watch ? await followOperation(c, id, { log: io.err, intervalMs: io.pollMs }).catch(async (e: unknown) => {
        if (e instanceof CliError) { showOp(cmd, (await c.get('/operations/{operationId}', { path: { operationId: id } })).data); }
        throw e;
      }) : (await c.get('/operations/{operationId}', { path: { operationId: id } })).data;
      showOp(cmd, op);
    });
  const showOp = (cmd: Command, op: Operation) => {
    if (g(cmd).output !== 'table') return print(cmd, op, []);
    io.out(render(op, 'table', opCols));
    io.out(render(op.steps, 'table', [
      { header: 'STEP', value: (s) => s.name }, { header: 'PHASE', value: (s) => s.phase },
      { header: 'STARTED', value: (s) => time(s.started) }, { header: 'FINISHED', value: (s) => time(s.finished) }, { header: 'MESSAGE', value: (s) => s.message },
    ]));
  };

  // ----- shell completion
  sub(program, 'completion', 'print a shell completion script')
    .addArgument(new Argument('<shell>').choices(['bash', 'zsh']))
    .addHelpText('after', '\nExamples:\n  source <(ocopea completion bash)            # in ~/.bashrc\n  ocopea completion zsh > ~/.ocopea-completion.zsh && echo "source ~/.ocopea-completion.zsh" >> ~/.zshrc')
    .action((shell: 'bash' | 'zsh') => { io.out(completionScript(program, shell).trimEnd()); });

  return program;
}

/** The Hub's plan for `templateId` on `site`; a dependency it could not place is named before anything is deployed. */
async function planFor(c: HubClient, templateId: string, site: Site) {
  const { data: plan } = await c.post('/commands/create-app-deployment-plan', { body: { appTemplateId: templateId, siteId: site.id } });
  const unplaced = Object.entries(plan.dataServices ?? {}).filter(([, d]) => !d.enabled).map(([name]) => name);
  if (unplaced.length) throw new CliError(`site ${site.urn} has no data service broker for ${unplaced.join(', ')} (no plan of a matching protocol)`);
  return plan;
}

/** A template file, YAML or JSON (JSON is YAML): syntax errors name the file, line and column. */
export function readTemplateFile(file: string): CreateTemplateBody {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new CliError(`cannot read ${file}: ${(e as Error).message}`); }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lines.linePos(first.pos[0]);
    throw new CliError(`${file}:${line}:${col}: ${first.message}`);
  }
  const body: unknown = doc.toJS();
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CliError(`${file}: a template is a mapping (name, version, appServiceTemplates, …)`);
  return body as CreateTemplateBody;
}

/** Parses and runs `argv` (without node and script); the exit code: 0, 1 for a failure, 2 for bad arguments. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof CliError) { io.err(`error: ${err.message}`); return err.exitCode; }
    io.err(`error: ${describeFailure(err)}`);
    return 1;
  }
}
