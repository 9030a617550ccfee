// The manager's live view. The host streams the location's incidents as server-sent events whose ids
// are the incident watch's resume tokens (the browser's own reconnect resumes exactly), with each
// station's health, the speed of service and the menu's 86 list beside them.
(() => {
  'use strict';
  const location_ = document.body.dataset.location;
  const base = `/manager/${encodeURIComponent(location_)}`;
  const { $, el } = window.dom;

  const open = new Map();        // incident id -> incident
  let resolved = [];             // the last few resolved, newest first
  const errors = new Map();      // incident id -> what the service said about the last tap
  let health = [];
  let items = [];
  let lastHeard = 0;

  const KINDS = {
    INCIDENT_KIND_TICKET_LATE: 'Late ticket', INCIDENT_KIND_TICKET_NOT_SHOWN: 'Ticket on no screen',
    INCIDENT_KIND_STATION_UNWATCHED: 'Station unwatched', INCIDENT_KIND_SCREEN_GONE: 'Screen gone',
    INCIDENT_KIND_DEAD_LETTER: 'Dead letter', INCIDENT_KIND_QUEUE_LAG: 'Kitchen behind', INCIDENT_KIND_ITEM_86: '86',
    INCIDENT_KIND_ITEM_LOW: 'Nearly out', INCIDENT_KIND_ACCEPT_DEADLINE: 'Delivery to accept',
    INCIDENT_KIND_TICKET_PRINTED: 'Backup print', INCIDENT_KIND_PRINTER_DOWN: 'Printer down', INCIDENT_KIND_WEBHOOK_FAILING: 'Webhook failing', INCIDENT_KIND_NO_WORKER: 'Kitchen worker down',
  };
  const SEVERITY = { INCIDENT_SEVERITY_CRITICAL: 3, INCIDENT_SEVERITY_WARNING: 2, INCIDENT_SEVERITY_INFO: 1 };
  const severityName = (s) => ({ 3: 'critical', 2: 'warning', 1: 'info' })[SEVERITY[s] || 1];
  const ms = (t) => (t ? Date.parse(t) : 0);
  const clock = (t) => new Date(ms(t)).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const age = (t) => {
    const s = Math.max(0, Math.floor((Date.now() - ms(t)) / 1000));
    return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  };

  // ---- incidents -----------------------------------------------------------------------------
  function renderIncidents() {
    // Newest and worst first: severity, then the newest.
    const list = [...open.values()].sort((a, b) => (SEVERITY[b.severity] || 0) - (SEVERITY[a.severity] || 0) || ms(b.openedAt) - ms(a.openedAt));
    $('open-count').textContent = list.length ? `${list.length} open` : 'none open';
    $('incidents').replaceChildren(...(list.length ? list.map(card) : [el('p', { class: 'calm' }, 'Nothing wrong right now.')]));
    $('resolved').replaceChildren(...resolved.map((i) => el('li', {}, `${clock(i.resolvedAt)} ${KINDS[i.kind] || i.kind}: ${i.message}`)));
  }

  function card(incident) {
    const kind = KINDS[incident.kind] || incident.kind;
    const acked = incident.acknowledgedBy;
    const error = errors.get(incident.incidentId);
    return el('article', { class: `incident ${severityName(incident.severity)}${acked ? ' acked' : ''}`, 'aria-label': `${kind}: ${incident.message}` },
      el('header', {}, el('span', { class: 'kind' }, kind), el('span', { class: 'since' }, `${clock(incident.openedAt)} · ${age(incident.openedAt)} ago`)),
      el('p', { class: 'message' }, incident.message),
      acked
        ? el('p', { class: 'acked-by' }, `acknowledged by ${acked} at ${clock(incident.acknowledgedAt)}`)
        : el('button', { type: 'button', class: 'action', onclick: () => acknowledge(incident.incidentId) }, 'Acknowledge'),
      error ? el('p', { class: 'problem', role: 'alert' }, error) : null);
  }

  async function post(path, body) {
    const response = await fetch(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) {
      const refusal = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
      throw new Error(refusal.error || `HTTP ${response.status}`);
    }
    return response.json();
  }

  async function acknowledge(id) {
    try {
      const answer = await post('acknowledge', { incidentId: id });
      errors.delete(id);
      if (open.has(id)) open.set(id, answer.incident);
    } catch (e) {
      errors.set(id, e.message);
    }
    renderIncidents();
  }

  function onIncident(change) {
    const incident = change.incidentOpened || change.incidentUpdated || change.incidentResolved;
    if (change.incidentResolved) {
      open.delete(incident.incidentId);
      resolved = [incident, ...resolved.filter((i) => i.incidentId !== incident.incidentId)].slice(0, 8);
    } else if (incident) {
      open.set(incident.incidentId, incident);
    }
    if (incident || change.snapshotComplete) renderIncidents();
  }

  // ---- stations, speed, 86 -------------------------------------------------------------------
  function renderHealth() {
    $('health').replaceChildren(...health.map((s) => {
      const screens = (s.liveScreens || []).length;
      const problem = !s.isExpo && (s.openTickets || 0) > 0 && screens === 0;
      return el('tr', { class: problem ? 'problem-row' : '' },
        el('th', { scope: 'row' }, s.name),
        el('td', {}, screens ? `${screens} live` : 'none'),
        el('td', {}, String(s.openTickets || 0)),
        el('td', {}, s.oldestFiredAt ? age(s.oldestFiredAt) : '—'),
        el('td', {}, String(s.notShown || 0)),
        el('td', {}, s.printer ? (s.printerProblem ? `down: ${s.printerProblem}` : 'ready') : '—'));
    }));
  }

  function renderSpeed(report) {
    const stations = (report.stations || []).filter((s) => s.tickets && s.tickets.count);
    const names = new Map(health.map((s) => [s.stationId, s.name]));
    if (!stations.length) {
      $('speed').replaceChildren(el('p', { class: 'calm' }, 'No tickets bumped yet.'));
      return;
    }
    const most = Math.max(...stations.map((s) => s.tickets.p90Seconds || s.tickets.meanSeconds || 1));
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const row = 30;
    svg.setAttribute('viewBox', `0 0 420 ${stations.length * row}`);
    svg.setAttribute('width', '100%');
    stations.forEach((s, i) => {
      const add = (tag, attrs, text) => {
        const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
        for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
        if (text) node.textContent = text;
        svg.append(node);
      };
      const mean = s.tickets.meanSeconds || 0;
      const p90 = s.tickets.p90Seconds || mean;
      const y = i * row;
      add('text', { x: 0, y: y + 19, class: 'label' }, names.get(s.stationId) || s.stationId);
      add('rect', { x: 110, y: y + 6, width: Math.max(2, (p90 / most) * 230), height: 18, class: 'p90' });
      add('rect', { x: 110, y: y + 6, width: Math.max(2, (mean / most) * 230), height: 18, class: s.tickets.late ? 'mean late' : 'mean' });
      const took = mean < 90 ? `${Math.round(mean)} s` : `${(mean / 60).toFixed(1)} min`;
      add('text', { x: 345, y: y + 19, class: 'value' }, `${took} · ${s.tickets.count} ${s.tickets.count === 1 ? 'ticket' : 'tickets'}`);
    });
    $('speed').replaceChildren(svg);
    $('speed').setAttribute('aria-label', 'Speed of service today: ' + stations.map((s) => `${names.get(s.stationId) || s.stationId} ${Math.round(s.tickets.meanSeconds)} s mean over ${s.tickets.count} tickets`).join('; '));
  }

  function renderMenu() {
    const off = items.filter((i) => !i.available || i.hasRemaining || i.remaining);
    $('off').replaceChildren(...off.map((i) => el('li', { class: i.available ? '' : 'out' },
      el('span', {}, i.name), el('span', { class: 'qty' }, i.available ? `${i.remaining || 0} left` : '86'),
      !i.available ? el('button', { type: 'button', class: 'action small', 'aria-label': `Back: ${i.name}`, onclick: () => setAvailable(i.menuItemId, true) }, 'Back') : null)));
    const select = $('item');
    const chosen = select.value;
    select.replaceChildren(...items.filter((i) => i.available).map((i) => el('option', { value: i.menuItemId }, i.name)));
    if (chosen && [...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }

  async function setAvailable(item, available) {
    const problem = $('menu-problem');
    try {
      await post('availability', { menuItemId: item, available });
      problem.hidden = true;
    } catch (e) {
      problem.textContent = e.message;
      problem.hidden = false;
    }
  }

  $('eighty-six').addEventListener('submit', (e) => {
    e.preventDefault();
    if ($('item').value) setAvailable($('item').value, false);
  });

  // ---- the stream ----------------------------------------------------------------------------
  function setConnection(text) {
    const conn = $('conn');
    conn.textContent = text;
    conn.className = `conn ${text.toLowerCase()}`;
  }

  function connect() {
    const source = new EventSource(`${base}/events`);
    const heard = () => { lastHeard = Date.now(); setConnection('LIVE'); };
    source.addEventListener('reset', () => { open.clear(); renderIncidents(); });
    source.addEventListener('incident', (e) => { heard(); onIncident(JSON.parse(e.data)); });
    source.addEventListener('health', (e) => { heard(); health = JSON.parse(e.data).stations || []; renderHealth(); });
    source.addEventListener('speed', (e) => renderSpeed(JSON.parse(e.data)));
    source.addEventListener('menu', (e) => { items = JSON.parse(e.data).items || []; renderMenu(); });
    source.addEventListener('fatal', (e) => {
      source.close();
      setConnection('STALE');
      $('incidents').replaceChildren(el('p', { class: 'problem', role: 'alert' }, JSON.parse(e.data).error));
    });
    source.onerror = () => setConnection('RECONNECTING');
  }

  // Ages tick, and a page that has heard nothing for a while says so.
  setInterval(() => {
    if (lastHeard && Date.now() - lastHeard > 10000) setConnection('STALE');
    renderIncidents();
    renderHealth();
  }, 1000);
  connect();
})();
