// The guest board: order numbers under "Preparing" and "Ready", nothing else of an order.
(() => {
  'use strict';
  const location_ = document.body.dataset.location;
  const conn = document.getElementById('conn');
  let lastHeard = Date.now();
  const fill = (id, numbers) => document.getElementById(id).replaceChildren(...numbers.map((n) => {
    const li = document.createElement('li');
    li.textContent = String(n);
    return li;
  }));
  const show = (state) => { conn.textContent = state; conn.className = 'conn ' + state.toLowerCase(); };
  const source = new EventSource(`/board/${encodeURIComponent(location_)}/events`);
  source.addEventListener('board', (message) => {
    const board = JSON.parse(message.data);
    fill('preparing', board.preparing);
    fill('ready', board.ready);
    lastHeard = Date.now();
    show('LIVE');
  });
  source.onerror = () => show('RECONNECTING');
  setInterval(() => { if (Date.now() - lastHeard > 15000) show('STALE'); }, 1000);
})();
