import type { CommandNode } from './walk.js';

/**
 * Every command maglevc runs; the tree's leaves name one of these.
 *
 * @internal
 */
export type CommandName =
  | 'show-version'
  | 'show-frontends'
  | 'show-frontends-detail'
  | 'show-backends'
  | 'show-backends-detail'
  | 'show-healthchecks'
  | 'show-healthchecks-detail'
  | 'show-vpp-info'
  | 'show-vpp-lbstate'
  | 'show-vpp-lb-counters'
  | 'sync-vpp-lbstate'
  | 'set-backend-pause'
  | 'set-backend-resume'
  | 'set-backend-disable'
  | 'set-backend-enable'
  | 'set-frontend-weight'
  | 'watch-events'
  | 'config-check'
  | 'config-reload'
  | 'config-diff'
  | 'help'
  | 'quit';

type Node = CommandNode<CommandName>;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function syncTarget(): Node {
  return {
    slot: { kind: 'frontend', arg: 'frontend', label: '<name>' },
    help: "sync only this frontend's VIP",
    command: 'sync-vpp-lbstate',
  };
}

/**
 * `show frontends` and its kin: the names, one per line, for scripts (`for f in $(maglevc show
 * frontends)`), as the Go maglevc prints them; `detail` for the table; a name for one in detail.
 * `detail` stands where a name may, so it is matched only when spelled out (see walk.ts).
 */
function listing(
  words: readonly [string, string],
  kind: 'frontend' | 'backend' | 'healthcheck',
  what: string,
  list: CommandName,
  table: CommandName,
): Node {
  return {
    words,
    help: `${what} by name, one per line; or one in detail`,
    command: list,
    children: [
      { words: ['detail'], help: `all ${what} as a table`, command: table },
      { slot: { kind, arg: kind, label: '<name>' }, help: `${what.replace(/s$/, '')} name`, command: list },
    ],
  };
}

const ASSUME_UP_HELP = 'preview backends that start unknown as up (once their checks pass)';

/** `dry-run` after an action: preview it, change nothing; `assume-up` where a backend restarts. */
function dryRun(command: CommandName, assumeUp = false): Node {
  return {
    words: ['dry-run'],
    help: 'show what it would change per VIP, change nothing (exit 0: nothing, 1: something)',
    flag: 'dryRun',
    command,
    children: assumeUp ? [{ words: ['assume-up'], help: ASSUME_UP_HELP, flag: 'assumeUp', command }] : [],
  };
}

function backendAction(word: string, command: CommandName, help: string, assumeUp = false): Node {
  return { words: [word], help, command, children: [dryRun(command, assumeUp)] };
}

/**
 * The maglevc command tree, compatible with the Go maglevc 1.0. Plural and singular forms
 * (`show backends`, `show backend <name>`) are spellings of one keyword, so `sh ba` is not
 * ambiguous; `lbstate` and `lb state` are both kept, the former as the Go original had it first.
 *
 * @internal
 */
export const MAGLEVC_TREE: readonly CommandNode<CommandName>[] = [
  {
    words: ['show'],
    help: 'show state and configuration',
    children: [
      { words: ['version'], help: "maglevc's version, commit and build date", command: 'show-version' },
      listing(['frontends', 'frontend'], 'frontend', 'frontends', 'show-frontends', 'show-frontends-detail'),
      listing(['backends', 'backend'], 'backend', 'backends', 'show-backends', 'show-backends-detail'),
      listing(
        ['healthchecks', 'healthcheck'],
        'healthcheck',
        'health checks',
        'show-healthchecks',
        'show-healthchecks-detail',
      ),
      {
        words: ['vpp'],
        help: 'the VPP dataplane',
        children: [
          { words: ['info'], help: 'VPP version, pid, uptime and connection', command: 'show-vpp-info' },
          {
            words: ['lbstate'],
            help: 'same as lb state',
            command: 'show-vpp-lbstate',
          },
          {
            words: ['lb'],
            help: 'the lb plugin',
            children: [
              {
                words: ['state'],
                help: 'global lb conf, VIPs and application servers',
                command: 'show-vpp-lbstate',
              },
              { words: ['counters'], help: 'per-VIP packet counters', command: 'show-vpp-lb-counters' },
            ],
          },
        ],
      },
    ],
  },
  {
    words: ['sync'],
    help: 'reconcile the dataplane now',
    children: [
      {
        words: ['vpp'],
        help: 'the VPP dataplane',
        children: [
          {
            words: ['lbstate'],
            help: 'same as lb state',
            command: 'sync-vpp-lbstate',
            children: [syncTarget()],
          },
          {
            words: ['lb'],
            help: 'the lb plugin',
            children: [
              {
                words: ['state'],
                help: 'read VPP, diff against the plan and repair',
                command: 'sync-vpp-lbstate',
                children: [syncTarget()],
              },
            ],
          },
        ],
      },
    ],
  },
  {
    words: ['set'],
    help: 'operator actions',
    children: [
      {
        words: ['backend'],
        help: 'pause, resume, disable or enable a backend',
        children: [
          {
            slot: { kind: 'backend', arg: 'backend', label: '<name>' },
            help: 'backend name',
            children: [
              backendAction('pause', 'set-backend-pause', 'stop probing; weight 0, flows kept (a drain)'),
              backendAction('resume', 'set-backend-resume', 'start probing again', true),
              backendAction('disable', 'set-backend-disable', 'take it out of service (weight 0, flushed)'),
              backendAction('enable', 'set-backend-enable', 'put it back into service', true),
            ],
          },
        ],
      },
      {
        words: ['frontend'],
        help: "change a pool member's weight",
        children: [
          {
            slot: { kind: 'frontend', arg: 'frontend', label: '<name>' },
            help: 'frontend name',
            children: [
              {
                words: ['pool'],
                help: 'the pool holding the backend',
                children: [
                  {
                    slot: { kind: 'pool', arg: 'pool', label: '<pool>' },
                    help: 'pool name',
                    children: [
                      {
                        words: ['backend'],
                        help: 'the pool member',
                        children: [
                          {
                            slot: { kind: 'backend', arg: 'backend', label: '<name>' },
                            help: 'backend name',
                            children: [
                              {
                                words: ['weight'],
                                help: 'the new weight',
                                children: [
                                  {
                                    slot: { kind: 'weight', arg: 'weight', label: '<0-100>', numeric: true },
                                    help: 'weight 0-100 (0 drains without flushing)',
                                    summary: "set a pool member's weight; flush also drops its flows",
                                    command: 'set-frontend-weight',
                                    options: [
                                      {
                                        words: ['flush'],
                                        help: "also flush the backend's established flows",
                                        flag: 'flush',
                                        command: 'set-frontend-weight',
                                      },
                                      dryRun('set-frontend-weight'),
                                    ],
                                  },
                                ],
                              },
                            ],
                          },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
  {
    words: ['watch'],
    help: 'follow live events',
    children: [
      {
        words: ['events'],
        help: 'log, backend and frontend events as JSON lines, until a key is pressed',
        command: 'watch-events',
        options: [
          {
            words: ['num'],
            help: 'stop after this many events',
            children: [
              {
                slot: { kind: 'count', arg: 'num', label: '<n>', numeric: true },
                help: 'number of events',
                command: 'watch-events',
              },
            ],
          },
          {
            words: ['log'],
            help: 'log events',
            flag: 'log',
            command: 'watch-events',
            children: [
              {
                words: ['level'],
                help: 'minimum log level (default info)',
                children: [
                  {
                    slot: { kind: 'level', arg: 'level', label: '<level>', choices: LOG_LEVELS },
                    help: 'debug, info, warn or error',
                    command: 'watch-events',
                  },
                ],
              },
            ],
          },
          { words: ['backend'], help: 'backend transitions', flag: 'backend', command: 'watch-events' },
          { words: ['frontend'], help: 'frontend state changes', flag: 'frontend', command: 'watch-events' },
        ],
      },
    ],
  },
  {
    words: ['config'],
    help: "maglevd's configuration file",
    children: [
      { words: ['check'], help: 'check the file on disk without loading it', command: 'config-check' },
      { words: ['reload'], help: 'check and load the file (as SIGHUP)', command: 'config-reload' },
      {
        words: ['diff'],
        help: 'what config reload would change now, per VIP; or what a local <file> would',
        summary: 'preview a reload per VIP (exit 0: no change, 1: changes, 2: error)',
        command: 'config-diff',
        options: [{ words: ['assume-up'], help: ASSUME_UP_HELP, flag: 'assumeUp', command: 'config-diff' }],
        children: [
          {
            slot: { kind: 'file', arg: 'file', label: '<file>' },
            help: 'a configuration file on this machine, compared with what maglevd runs',
            command: 'config-diff',
          },
        ],
      },
    ],
  },
  { words: ['help'], help: 'list every command', command: 'help' },
  { words: ['quit'], help: 'leave the shell', command: 'quit' },
  { words: ['exit'], help: 'leave the shell (same as quit)', command: 'quit' },
];
