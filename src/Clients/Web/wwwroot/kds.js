// A station's screen (expo's for the expo station). The host streams the station's events as
// server-sent events whose ids are the station's resume tokens, so the browser's own reconnect
// resumes exactly where it left off; the page keeps no token of its own and never sees the device's.
(() => {
  'use strict';
  const body = document.body;
  const location_ = body.dataset.location;
  const station = body.dataset.station;
  const screen = body.dataset.screen || '';
  const isExpo = body.dataset.expo === 'true';
  const staleMs = Number(body.dataset.staleMs) || 10000;
  const base = `/kds/${encodeURIComponent(location_)}/${encodeURIComponent(station)}`;

  const { $, el } = window.dom;

  const tickets = new Map();   // ticket id -> ticket as the service sent it
  const errors = new Map();    // ticket id -> what the service said about the last action on it
  let allDay = [];
  let menu = [];
  let recent = [];             // the last bumped tickets of this station, newest first
  let selected = null;         // the ticket id chosen with a bump-bar key
  let page = 0;
  let live = false;            // past the snapshot: new tickets are news and make a sound
  const opened = Date.now();
  let lastHeard = 0;
  let state = 'RECONNECTING';
  let since = Date.now();
  let fatal = null;

  // ---- sound and wake lock, allowed only after a tap -------------------------------------------
  let audio = null;
  let wakeLock = null;
  // What the page did, for the tests and the benchmark: sounds played, and each card's first moment
  // on screen ([ticket id, ms since the epoch, whether it first waited off screen for room because
  // the screen was full]) in order; the latest few thousand are kept, and `dropped` says how many
  // older ones went. `received` is [ticket id, ms] for the moment each ticket's event reached the page.
  window.kds = { sounds: 0, shown: [], received: [], dropped: 0 };
  const firstShown = new Set();
  const waiting = new Set();
  // Where the browser reports paints (Element Timing), `painted` is [ticket id, ms] for the moment
  // the frame first holding the card's number was presented on the display.
  window.kds.painted = [];
  const painting = new Set();
  if (typeof PerformanceObserver !== 'undefined' && (PerformanceObserver.supportedEntryTypes || []).includes('element')) {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const id = entry.identifier.slice('card '.length);
        if (!painting.delete(id)) continue;
        window.kds.painted.push([id, performance.timeOrigin + (entry.renderTime || entry.loadTime)]);
        if (window.kds.painted.length > 6000) window.kds.painted.splice(0, 1000);
      }
    }).observe({ type: 'element', buffered: true });
  }
  const tones = { new: [880, 0.12, 2], rush: [1320, 0.09, 4], void: [330, 0.35, 1] };
  function sound(kind) {
    if (!audio) return;
    const [freq, length, times] = tones[kind];
    for (let i = 0; i < times; i++) {
      const start = audio.currentTime + i * length * 1.6;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.4, start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
      osc.connect(gain).connect(audio.destination);
      osc.start(start);
      osc.stop(start + length + 0.02);
    }
    window.kds.sounds++;
    body.dataset.sounds = String(window.kds.sounds);
  }
  async function keepAwake() {
    try {
      if ('wakeLock' in navigator && document.visibilityState === 'visible') wakeLock = await navigator.wakeLock.request('screen');
    } catch { /* not allowed here: the screen's own settings decide */ }
  }
  $('start-shift').addEventListener('click', () => {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (Context) { audio = new Context(); audio.resume(); }
    keepAwake();
    $('start').hidden = true;
    body.dataset.shift = 'started';
  });
  document.addEventListener('visibilitychange', () => { if (audio && !wakeLock) keepAwake(); });

  // ---- the live stream -------------------------------------------------------------------------
  let source = null;
  function connect() {
    source = new EventSource(base + '/events' + (screen ? `?screen=${encodeURIComponent(screen)}` : ''));
    source.addEventListener('reset', () => { tickets.clear(); live = false; heard(); schedule(); });
    source.addEventListener('station', (message) => { heard(); apply(JSON.parse(message.data)); });
    source.addEventListener('menu', (message) => { menu = JSON.parse(message.data); schedule(); });
    source.addEventListener('fatal', (message) => {
      fatal = JSON.parse(message.data).error;
      source.close();
      setState('STALE');
      schedule();
    });
    source.onerror = () => {
      if (fatal) return;
      setState('RECONNECTING');
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
    };
  }
  function heard() {
    lastHeard = Date.now();
    const was = state;
    setState('LIVE');
    if (was !== 'LIVE') setTimeout(confirmShown, 0);
  }
  function setState(next) {
    if (next !== state) { state = next; since = Date.now(); }
    const conn = $('conn');
    conn.textContent = state;
    conn.className = 'conn ' + state.toLowerCase();
    conn.title = `${state} since ${clock(since)}`;
  }

  // ---- telling the service what reached this screen ----------------------------------------------
  // The service counts a ticket as shown, and this screen as alive, only when the page says so: a
  // tablet unplugged or frozen while the host's stream stays open is then not taken for a screen
  // showing tickets, and its tickets become incidents and print on the backup printer.
  const toConfirm = new Set();
  let confirmedAt = 0;
  let confirming = false;
  async function confirmShown() {
    if (confirming || state !== 'LIVE' || fatal) return;
    if (toConfirm.size === 0 && Date.now() - confirmedAt < 2000) return;
    const ids = [...toConfirm].slice(0, 500);
    confirming = true;
    try {
      const answer = await fetch(base + '/shown', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticketIds: ids, screen }),
      });
      if (answer.ok) {
        for (const id of ids) toConfirm.delete(id);
        confirmedAt = Date.now();
      }
    } catch (e) {
      // The host is away: the stream's state says so; the ids are sent with the next confirmation.
    } finally {
      confirming = false;
    }
  }
  setInterval(confirmShown, 500);

  function apply(change) {
    if (change.ticketAdded) {
      const t = change.ticketAdded;
      if (!tickets.has(t.ticketId)) window.kds.received.push([t.ticketId, performance.timeOrigin + performance.now()]);
      if (!toConfirm.has(t.ticketId)) {
        toConfirm.add(t.ticketId);
        setTimeout(confirmShown, 0);
      }
      tickets.set(t.ticketId, t);
      if (live) sound(t.rush ? 'rush' : 'new');
    } else if (change.ticketUpdated) {
      const t = change.ticketUpdated;
      const before = tickets.get(t.ticketId);
      if (t.status === 'TICKET_STATUS_VOIDED') {
        t.voidedAt = Date.now();
        tickets.set(t.ticketId, t);
        if (live) sound('void');
        setTimeout(() => { if (tickets.get(t.ticketId) === t) { tickets.delete(t.ticketId); schedule(); } }, 8000);
      } else {
        tickets.set(t.ticketId, t);
        if (live && t.rush && !(before && before.rush)) sound('rush');
      }
    } else if (change.ticketRemoved) {
      const t = change.ticketRemoved;
      tickets.delete(t.ticketId);
      errors.delete(t.ticketId);
      if (selected === t.ticketId) selected = null;
      recent = [{ id: t.ticketId, label: label(t) }, ...recent.filter((r) => r.id !== t.ticketId)].slice(0, 6);
    } else if (change.snapshotComplete) {
      live = true;
      allDay = (change.snapshotComplete.allDay && change.snapshotComplete.allDay.counts) || [];
    } else if (change.allDay) {
      allDay = change.allDay.counts || [];
    } else {
      return; // a heartbeat: nothing on screen changes
    }
    schedule();
  }

  // ---- actions ---------------------------------------------------------------------------------
  async function post(path, payload, ticketId) {
    try {
      const answer = await fetch(base + path, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), credentials: 'same-origin',
      });
      if (!answer.ok) {
        const refusal = await answer.json().catch(() => ({ error: `the screen's host answered ${answer.status}` }));
        fail(ticketId, refusal.error);
        return false;
      }
      errors.delete(ticketId);
      schedule();
      return true;
    } catch {
      fail(ticketId, 'the bump did not reach the service; try again');
      return false;
    }
  }
  function fail(ticketId, message) {
    if (!ticketId) { showBanner(message); return; }
    errors.set(ticketId, message);
    schedule();
    setTimeout(() => { if (errors.get(ticketId) === message) { errors.delete(ticketId); schedule(); } }, 10000);
  }
  const bump = (t) => post('/bump', { ticketId: t.ticketId }, t.ticketId);
  const fire = (t, course) => post('/fire', { orderId: t.orderId, course }, t.ticketId);
  async function recall(entry) {
    if (!entry) return;
    if (await post('/recall', { ticketId: entry.id }, null)) {
      recent = recent.filter((r) => r.id !== entry.id);
      schedule();
    }
  }
  $('recall').addEventListener('click', () => recall(recent[0]));
  $('prev').addEventListener('click', () => { page = Math.max(0, page - 1); schedule(); });
  $('next').addEventListener('click', () => { page++; schedule(); });

  // Bump bars send keys: 1-9 select a card of the page, Enter bumps it, R recalls, arrows page.
  document.addEventListener('keydown', (e) => {
    if (e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA')) return;
    const shown = visible();
    if (e.key >= '1' && e.key <= '9') {
      const t = shown[Number(e.key) - 1];
      if (t) { selected = t.ticketId; schedule(); }
    } else if (e.key === 'Enter' && selected && tickets.has(selected)) {
      e.preventDefault();
      bump(tickets.get(selected));
    } else if (e.key === 'r' || e.key === 'R') {
      recall(recent[0]);
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'PageDown') {
      page++; selected = null; schedule();
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp' || e.key === 'PageUp') {
      page = Math.max(0, page - 1); selected = null; schedule();
    } else if (e.key === 'Escape') {
      selected = null; schedule();
    }
  });

  // ---- what is shown ---------------------------------------------------------------------------
  const ms = (timestamp) => (timestamp ? Date.parse(timestamp) : 0);
  const pad = (n) => String(n).padStart(2, '0');
  const clock = (at) => { const d = new Date(at); return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`; };
  const span = (seconds) => `${Math.floor(seconds / 60)}:${pad(Math.floor(seconds % 60))}`;
  const label = (t) => (t.orderNumber ? String(t.orderNumber) : t.orderId.slice(0, 8));
  const perPage = () => (window.innerWidth <= 820 ? 3 : window.innerWidth <= 1000 ? 6 : 8);
  const since_ = (t) => ms(t.firedAt) || ms(t.createdAt);

  function ordered() {
    return [...tickets.values()].sort((a, b) => (Number(!!b.rush) - Number(!!a.rush)) || (since_(a) - since_(b)) || a.ticketId.localeCompare(b.ticketId));
  }
  function visible() {
    const all = ordered();
    const size = perPage();
    const pages = Math.max(1, Math.ceil(all.length / size));
    if (page >= pages) page = pages - 1;
    return all.slice(page * size, page * size + size);
  }
  function aging(t, now) {
    if (t.status === 'TICKET_STATUS_VOIDED') return 'voided';
    if (t.lateAt && now >= ms(t.lateAt)) return 'late';
    if (t.warnAt && now >= ms(t.warnAt)) return 'warn';
    return 'ok';
  }
  const progressName = (state) => (state || 'PROGRESS_STATE_HELD').replace('PROGRESS_STATE_', '').toLowerCase();
  const isReady = (t) => isExpo && (t.progress || []).length > 0 && t.progress.every((p) => ['bumped', 'voided'].includes(progressName(p.state)));

  function item(i, now) {
    const mods = (i.modifiers || []).filter((m) => !(i.allergies || []).includes(m));
    const when = i.held ? 'held'
      : i.startAt && ms(i.startAt) > now ? `start in ${span((ms(i.startAt) - now) / 1000)}` : null;
    return el('li', { class: i.voided ? 'voided-item' : null },
      el('span', { class: 'qty' }, `${i.quantity || 1}×`),
      el('span', { class: 'name' }, i.name),
      i.forItem ? el('span', { class: 'for' }, ` for ${i.forItem}`) : null,
      i.voided ? el('span', { class: 'for' }, ' (void)') : null,
      (mods.length || (i.allergies || []).length) ? el('ul', { class: 'mods' },
        (i.allergies || []).map((a) => el('li', { class: 'allergy' }, `⚠ ${a}`)),
        mods.map((m) => el('li', {}, m))) : null,
      i.note ? el('div', { class: 'note' }, `“${i.note}”`) : null,
      when ? el('div', { class: 'when', 'data-start': i.startAt || '' }, when) : null);
  }

  function card(t, index, now) {
    const number = label(t);
    const age = Math.max(0, (now - since_(t)) / 1000);
    const voided = t.status === 'TICKET_STATUS_VOIDED';
    const ready = isReady(t);
    const held = isExpo ? [...new Set((t.progress || []).filter((p) => progressName(p.state) === 'held').map((p) => p.course || 1))].sort() : [];
    const words = [`Order ${number}`, t.source ? `from ${t.source}` : null, t.guestName ? `for ${t.guestName}` : null, t.rush ? 'rush' : null, t.hasAllergy ? 'allergy' : null, ready ? 'ready' : null, voided ? 'voided' : null]
      .filter(Boolean).join(', ');
    return el('article', {
      class: ['card', aging(t, now), t.rush ? 'rush' : null, ready ? 'ready' : null, selected === t.ticketId ? 'selected' : null].filter(Boolean).join(' '),
      'aria-label': words, 'data-ticket': t.ticketId, 'data-order': t.orderId,
    },
      el('header', {},
        el('span', { class: 'key', 'aria-hidden': 'true' }, String(index + 1)),
        el('span', { class: 'num', elementtiming: `card ${t.ticketId}` }, `#${number}`),
        t.source ? el('span', { class: 'flag source' }, t.source.toUpperCase()) : null,
        t.guestName ? el('span', { class: 'guest' }, t.guestName) : null,
        t.rush ? el('span', { class: 'flag rush' }, 'RUSH') : null,
        t.hasAllergy ? el('span', { class: 'flag allergy' }, '⚠ ALLERGY') : null,
        ready ? el('span', { class: 'flag ready' }, 'READY') : null,
        t.course > 1 && !isExpo ? el('span', { class: 'flag' }, `course ${t.course}`) : null,
        el('span', { class: 'age', 'data-since': String(since_(t)) }, voided ? 'VOID' : span(age))),
      el('div', { class: 'body', tabindex: '0' },
        isExpo ? el('ul', { class: 'progress', 'aria-label': 'Stations' },
          (t.progress || []).map((p) => el('li', { class: progressName(p.state) }, `${p.stationId}${(p.course || 1) > 1 ? ' ' + p.course : ''}: ${progressName(p.state)}`))) : null,
        el('ul', { class: 'items' }, (t.items || []).map((i) => item(i, now)))),
      el('p', { class: 'error', role: 'alert' }, errors.get(t.ticketId) || ''),
      el('footer', {},
        held.map((course) => el('button', { type: 'button', onclick: () => fire(t, course) }, `Fire course ${course}`)),
        voided ? null : el('button', { type: 'button', class: 'bump', onclick: () => bump(t) }, 'Bump')));
  }

  // A side list is drawn again only when what it shows changed.
  const drawn = new Map();
  function side(id, data, build) {
    const key = JSON.stringify(data);
    if (drawn.get(id) === key) return;
    drawn.set(id, key);
    $(id).replaceChildren(...build());
  }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(render);
  }
  // A card is built again only when its ticket, its place, its selection or its error changed, so a
  // cook's tap never lands on a card that was just replaced.
  const built = new Map();
  function cardFor(t, index, now) {
    const key = [index, selected === t.ticketId, errors.get(t.ticketId) || ''].join('|');
    const cached = built.get(t.ticketId);
    if (cached && cached.ticket === t && cached.key === key) return cached.node;
    const node = card(t, index, now);
    built.set(t.ticketId, { ticket: t, key, node });
    return node;
  }
  function render() {
    pending = false;
    const now = Date.now();
    const shown = visible();
    const nodes = shown.map((t, i) => cardFor(t, i, now));
    // Only the cards that changed are swapped, so the browser repaints them and not the whole screen.
    const list = $('tickets');
    if (nodes.length === list.children.length) {
      nodes.forEach((n, i) => { if (list.children[i] !== n) list.children[i].replaceWith(n); });
    } else {
      list.replaceChildren(...nodes);
    }
    const at = performance.timeOrigin + performance.now();
    const drawnNow = new Set();
    for (const t of shown) {
      drawnNow.add(t.ticketId);
      if (firstShown.has(t.ticketId)) continue;
      firstShown.add(t.ticketId);
      window.kds.shown.push([t.ticketId, at, waiting.delete(t.ticketId)]);
      painting.add(t.ticketId);
    }
    for (const id of tickets.keys()) if (!drawnNow.has(id) && !firstShown.has(id)) waiting.add(id);
    for (const id of waiting) if (!tickets.has(id)) waiting.delete(id);
    for (const id of painting.keys()) if (!tickets.has(id)) painting.delete(id);
    if (window.kds.shown.length > 6000) {
      for (const [id] of window.kds.shown.splice(0, 1000)) firstShown.delete(id);
      window.kds.dropped += 1000;
    }
    if (window.kds.received.length > 6000) window.kds.received.splice(0, 1000);
    for (const id of [...built.keys()]) if (!tickets.has(id)) built.delete(id);
    side('allday', allDay, () => allDay.map((c) => el('li', {}, el('span', {}, c.name), el('span', { class: 'qty' }, String(c.quantity)))));
    side('off', menu, () => menu.map((m) => el('li', { class: m.available ? null : 'out' },
      el('span', {}, m.name), el('span', { class: 'qty' }, m.available ? `${m.remaining} left` : '86'))));
    side('recent', recent, () => recent.map((r) => el('li', {}, el('span', {}, `#${r.label}`),
      el('button', { type: 'button', 'aria-label': `Recall order ${r.label}`, onclick: () => recall(r) }, '↶'))));
    $('recall').disabled = recent.length === 0;
    const pages = Math.max(1, Math.ceil(tickets.size / perPage()));
    const info = `Page ${page + 1} of ${pages} · ${tickets.size} open`;
    if ($('page-info').textContent !== info) $('page-info').textContent = info;
    body.dataset.tickets = String(tickets.size);
  }

  // Ages tick, colours turn, and a screen that hears nothing says so.
  setInterval(() => {
    const now = Date.now();
    for (const age of document.querySelectorAll('.card .age[data-since]')) {
      const cardNode = age.closest('.card');
      const t = tickets.get(cardNode.dataset.ticket);
      if (!t || t.status === 'TICKET_STATUS_VOIDED') continue;
      age.textContent = span(Math.max(0, (now - Number(age.dataset.since)) / 1000));
      cardNode.classList.remove('ok', 'warn', 'late');
      cardNode.classList.add(aging(t, now));
    }
    for (const when of document.querySelectorAll('.when[data-start]')) {
      const at = ms(when.dataset.start);
      if (at) when.textContent = at > now ? `start in ${span((at - now) / 1000)}` : 'start now';
    }
    if (fatal) {
      showBanner(fatal);
    } else if (now - (lastHeard || opened) > staleMs) {
      setState('STALE');
      showBanner(lastHeard ? `NO UPDATES SINCE ${clock(lastHeard)}: this screen may be missing tickets` : 'NOT CONNECTED: this screen has no tickets from the kitchen yet');
    } else {
      $('stale').hidden = true;
    }
  }, 1000);
  function showBanner(text) {
    const banner = $('stale');
    banner.textContent = text;
    banner.hidden = false;
  }
  window.addEventListener('resize', schedule);

  connect();
  render();
})();
