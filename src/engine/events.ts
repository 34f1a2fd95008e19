// The event bus: every state change the engine makes is published here; the API streams from it.
// A bounded history lets `events --since` replay recent events, as dockerd does.

export interface EngineEvent {
  Type: 'container' | 'image' | 'network' | 'volume' | 'daemon';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}

export interface EventFilter { [key: string]: string[] }

type Listener = (ev: EngineEvent) => void;

const HISTORY = 1024;

export class EventBus {
  private history: EngineEvent[] = [];
  private listeners = new Set<Listener>();

  publish(type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    const nowNs = BigInt(Date.now()) * 1_000_000n + BigInt(process.hrtime()[1] % 1_000_000);
    const ev: EngineEvent = {
      Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local',
      time: Number(nowNs / 1_000_000_000n), timeNano: Number(nowNs),
    };
    this.history.push(ev);
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
    for (const l of this.listeners) l(ev);
    return ev;
  }

  /** Past events at or after `sinceNs` (nanoseconds). */
  since(sinceNs: number): EngineEvent[] {
    return this.history.filter((e) => e.timeNano >= sinceNs);
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => { this.listeners.delete(l); };
  }
}

/** Docker's event filters: type, event/action, container, image, label, network, volume, daemon, scope. */
export function matchesEvent(ev: EngineEvent, f: EventFilter): boolean {
  const any = (key: string, pred: (v: string) => boolean) => !f[key] || f[key].length === 0 || f[key].some(pred);
  const attrs = ev.Actor.Attributes;
  const action = ev.Action.split(':')[0];
  if (!any('type', (v) => v === ev.Type)) return false;
  if (!any('event', (v) => v === ev.Action || v === action)) return false;
  if (!any('container', (v) => ev.Type === 'container' && (ev.Actor.ID.startsWith(v) || attrs.name === v))) return false;
  if (!any('image', (v) => attrs.image === v || ev.Actor.ID === v || (ev.Type === 'image' && attrs.name === v)
      || (attrs.image ?? '').split(':')[0] === v)) return false;
  if (!any('network', (v) => ev.Type === 'network' && (ev.Actor.ID.startsWith(v) || attrs.name === v))) return false;
  if (!any('volume', (v) => ev.Type === 'volume' && (ev.Actor.ID === v))) return false;
  if (!any('daemon', (v) => ev.Type === 'daemon' && (ev.Actor.ID === v || attrs.name === v))) return false;
  if (!any('scope', (v) => v === 'local')) return false;
  if (!any('label', (v) => {
    const i = v.indexOf('=');
    return i < 0 ? v in attrs : attrs[v.slice(0, i)] === v.slice(i + 1);
  })) return false;
  return true;
}

/** Legacy top-level fields (status/id/from) that API < 1.52 clients still read for container and image events. */
export function wireEvent(ev: EngineEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (ev.Type === 'container' || ev.Type === 'image') {
    out.status = ev.Action;
    out.id = ev.Actor.ID;
    if (ev.Type === 'container' && ev.Actor.Attributes.image) out.from = ev.Actor.Attributes.image;
  }
  return { ...out, Type: ev.Type, Action: ev.Action, Actor: ev.Actor, scope: ev.scope, time: ev.time, timeNano: ev.timeNano };
}
