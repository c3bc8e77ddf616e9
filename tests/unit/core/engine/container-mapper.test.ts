// Engine payload → ContainerSummary. Inputs are shaped like what Docker 20.10's /containers/json returns.
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { ContainerSummarySchema } from '../../../../src-main/contract';
import { healthFromStatus, keepKnownTimes, toContainerSummary, withInspectTimes } from '../../../../src-main/core/engine/container-mapper';

const ID = 'a6c8e8fb0085b603b78847f7e485e596083f6e55f15ba7bc9d9389ec6adfcb3a';

function info(over: Partial<Dockerode.ContainerInfo> = {}): Dockerode.ContainerInfo {
  return {
    Id: ID,
    Names: ['/web'],
    Image: 'nginx:1.27',
    ImageID: 'sha256:1111',
    Command: 'nginx -g daemon off;',
    Created: 1_700_000_000,
    Ports: [],
    Labels: {},
    State: 'running',
    Status: 'Up 5 minutes',
    HostConfig: { NetworkMode: 'bridge' },
    NetworkSettings: { Networks: {} },
    Mounts: [],
    ...over,
  } as Dockerode.ContainerInfo;
}

describe('healthFromStatus', () => {
  it.each([
    ['Up 5 minutes (healthy)', 'healthy'],
    ['Up 2 hours (unhealthy)', 'unhealthy'],
    ['Up 3 seconds (health: starting)', 'starting'],
    ['Up 5 minutes', 'none'],
    ['Up 5 minutes (Paused)', 'none'],
    ['Exited (0) 2 hours ago', 'none'],
    ['Exited (137) 1 second ago', 'none'],
    ['Created', 'none'],
    ['', 'none'],
  ] as const)('%j → %s', (status, health) => {
    expect(healthFromStatus(status)).toBe(health);
  });
});

describe('toContainerSummary', () => {
  it('maps a plain running container and the result satisfies the contract', () => {
    const listedAt = 1_700_000_600_000;
    const s = toContainerSummary(info(), listedAt);
    expect(s).toEqual({
      id: ID,
      name: 'web',
      image: 'nginx:1.27',
      imageId: 'sha256:1111',
      command: 'nginx -g daemon off;',
      state: 'running',
      status: 'Up 5 minutes',
      health: 'none',
      ports: [],
      created: 1_700_000_000,
      labels: {},
      // "Up 5 minutes" means 5:00 to 5:59 at list time: the middle of that range.
      startedAt: listedAt - 330_000,
    });
    expect(ContainerSummarySchema.safeParse(s).success).toBe(true);
  });

  it.each([
    [['/web'], 'web'],
    [['web'], 'web'],
    // Legacy --link adds "<linker>/<alias>" names; the container's own name is the one without "/".
    [['/app/db', '/db'], 'db'],
    [['/db', '/app/db'], 'db'],
    [['/a/x', '/b/x', '/x'], 'x'],
  ])('names %j → %j (never contains "/")', (names, name) => {
    const s = toContainerSummary(info({ Names: names }));
    expect(s.name).toBe(name);
    expect(s.name).not.toContain('/');
  });

  it('falls back to the short id when the engine gives no names', () => {
    expect(toContainerSummary(info({ Names: [] })).name).toBe(ID.slice(0, 12));
  });

  it.each([
    ['Up 5 minutes (healthy)', 'healthy'],
    ['Up 1 minute (unhealthy)', 'unhealthy'],
    ['Up 2 seconds (health: starting)', 'starting'],
    ['Up 5 minutes', 'none'],
  ] as const)('health from status %j → %s', (Status, health) => {
    expect(toContainerSummary(info({ Status })).health).toBe(health);
  });

  it.each(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'])('keeps state %s', (State) => {
    expect(toContainerSummary(info({ State })).state).toBe(State);
  });

  it('normalises an upper-case state and maps an unknown one to a valid state', () => {
    expect(toContainerSummary(info({ State: 'Running' })).state).toBe('running');
    const s = toContainerSummary(info({ State: 'weird' }));
    expect(ContainerSummarySchema.shape.state.safeParse(s.state).success).toBe(true);
  });

  it('reads compose project and service from the labels and keeps all labels', () => {
    const labels = {
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': 'api',
      'com.docker.compose.container-number': '1',
      'org.opencontainers.image.title': 'api',
    };
    const s = toContainerSummary(info({ Labels: labels }));
    expect(s.composeProject).toBe('shop');
    expect(s.composeService).toBe('api');
    expect(s.labels).toEqual(labels);
  });

  it('has no compose fields for a container outside compose, and tolerates null labels', () => {
    const s = toContainerSummary(info({ Labels: null as unknown as Record<string, string> }));
    expect(s).not.toHaveProperty('composeProject');
    expect(s).not.toHaveProperty('composeService');
    expect(s.labels).toEqual({});
    expect(ContainerSummarySchema.safeParse(s).success).toBe(true);
  });

  it('maps published, unpublished and IPv6 ports', () => {
    const s = toContainerSummary(
      info({
        Ports: [
          { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
          { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
          { PrivatePort: 443, Type: 'tcp' } as Dockerode.Port,
          { IP: '127.0.0.1', PrivatePort: 53, PublicPort: 5353, Type: 'udp' },
        ],
      }),
    );
    expect(s.ports).toEqual([
      { ip: '0.0.0.0', privatePort: 80, publicPort: 8080, type: 'tcp' },
      { ip: '::', privatePort: 80, publicPort: 8080, type: 'tcp' },
      { privatePort: 443, type: 'tcp' },
      { ip: '127.0.0.1', privatePort: 53, publicPort: 5353, type: 'udp' },
    ]);
    expect(ContainerSummarySchema.safeParse(s).success).toBe(true);
  });

  it('tolerates missing Ports, Command and Status', () => {
    const s = toContainerSummary(info({ Ports: undefined, Command: undefined, Status: undefined } as unknown as Partial<Dockerode.ContainerInfo>));
    expect(s.ports).toEqual([]);
    expect(s.command).toBe('');
    expect(s.status).toBe('');
    expect(s.health).toBe('none');
    expect(ContainerSummarySchema.safeParse(s).success).toBe(true);
  });
});

describe('times: estimated from the list, exact from inspect, kept across re-lists', () => {
  const listedAt = 1_700_000_600_000;
  it('an exited container: exit code and finish time from "Exited (2) 15 minutes ago"', () => {
    const s = toContainerSummary(info({ State: 'exited', Status: 'Exited (2) 15 minutes ago' }), listedAt);
    expect(s).toMatchObject({ state: 'exited', exitCode: 2, finishedAt: listedAt - 15.5 * 60_000 });
    expect(s.startedAt).toBeUndefined();
  });
  it('inspect gives exact times when it saw the same state, and is ignored otherwise', () => {
    const s = toContainerSummary(info({ State: 'exited', Status: 'Exited (2) 1 second ago' }), listedAt);
    const state = { Status: 'exited', StartedAt: '2023-11-14T22:13:00.5Z', FinishedAt: '2023-11-14T22:13:18.25Z', ExitCode: 2 };
    expect(withInspectTimes(s, { State: state, RestartCount: 3 })).toMatchObject({ startedAt: Date.parse(state.StartedAt), finishedAt: Date.parse(state.FinishedAt), exitCode: 2, restartCount: 3 });
    expect(withInspectTimes(s, { State: { ...state, Status: 'running' } })).toBe(s);
    // the engine's zero time means "never"
    expect(withInspectTimes(s, { State: { ...state, StartedAt: '0001-01-01T00:00:00Z' } }).startedAt).toBeUndefined();
  });
  it('a re-list keeps the exact times while they agree with the new text, and takes the new ones after a restart', () => {
    const exact = { ...toContainerSummary(info({ Status: 'Up 2 seconds' }), listedAt - 3 * 3600_000), startedAt: listedAt - 3 * 3600_000 - 2_400, restartCount: 0 };
    const relisted = toContainerSummary(info({ Status: 'Up 3 hours' }), listedAt);
    expect(keepKnownTimes(exact, relisted, listedAt)).toMatchObject({ startedAt: exact.startedAt, restartCount: 0, status: 'Up 3 hours' });
    const restarted = toContainerSummary(info({ Status: 'Up 1 second' }), listedAt);
    expect(keepKnownTimes(exact, restarted, listedAt).startedAt).toBe(listedAt - 1_500);
  });
});
