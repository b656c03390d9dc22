/*
 * The network map (/admin/network/map): Leaflet (served by us at /static/vendor/leaflet/, loaded
 * before this script, both deferred) draws what GET /admin/network/map/features?bbox=w,s,e,n
 * returns for the part of the map in view (admin/network/map-routes.ts): subscriptions as dots
 * coloured by state (online, offline, isolir, overdue), devices as letters by kind, a line from
 * each to the device it hangs off, and in each popup a link to its page (an ODP's popup also has
 * its ports used and free). Settings come from the map element's data-* attributes; no data is
 * ever written into a script (the Content-Security-Policy allows our own script files only).
 *
 * Without a tile URL, or when the tiles cannot be loaded (offline), the map is a plain
 * background with a scale: markers, links and popups work the same.
 *
 * Setting a location: "Set location on the map" in a popup (or ?place=… from a device or
 * subscription page) opens the panel; a click on the map fills "lat, lng", which may also be
 * pasted; Save posts it (X-CSRF-Token) and the marker is drawn at its new place.
 */
(function () {
  'use strict';
  var el = document.getElementById('network-map');
  if (!el || !window.L) return;
  var L = window.L;
  var data = el.dataset;
  var texts = JSON.parse(data.texts || '{}');
  var tr = function (key, vars) {
    var s = texts[key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
  };
  var csrf = (document.querySelector('input[name="_csrf"]') || {}).value || '';
  var COLOURS = { online: '#067647', offline: '#667085', isolated: '#b42318', overdue: '#dc6803' };
  var LETTERS = { router: 'R', olt: 'O', odc: 'C', odp: 'P', switch: 'S', access_point: 'A', server: 'V', cpe: 'E', other: 'X' };

  var map = L.map(el, { zoomControl: true, maxZoom: 21, worldCopyJump: false });
  L.control.scale({ imperial: false }).addTo(map);
  if (data.tileUrl) {
    var failures = 0;
    L.tileLayer(data.tileUrl, { maxZoom: 21, maxNativeZoom: 19, attribution: escapeHtml(data.attribution || '') })
      .on('tileerror', function () {
        // Tiles out of reach (no internet): show the plain background instead of grey holes.
        if (++failures === 3) el.classList.add('no-tiles');
      })
      .on('tileload', function () { failures = 0; el.classList.remove('no-tiles'); })
      .addTo(map);
  }

  var focus = data.focus ? JSON.parse(data.focus) : null;
  var extent = data.extent && data.extent !== 'null' ? JSON.parse(data.extent) : null;
  if (focus) map.setView([focus.lat, focus.lng], 18);
  else if (extent) map.fitBounds([[extent.south, extent.west], [extent.north, extent.east]], { padding: [30, 30], maxZoom: 17 });
  else map.setView([-2.5, 118], 5);

  var links = L.layerGroup().addTo(map);
  var devices = L.layerGroup().addTo(map);
  var subscriptions = L.layerGroup().addTo(map);
  var count = document.querySelector('[data-map-count]');

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
  }
  function node(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { if (c !== null) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return n;
  }
  function placeButton(kind, item, label) {
    var allowed = kind === 'device' ? data.canPlaceDevices : data.canPlaceSubscriptions;
    if (!allowed) return null;
    var b = node('button', { type: 'button', class: 'link', 'data-place-start': kind + ':' + item.id }, [tr('map.place_this')]);
    b.addEventListener('click', function () { startPlacing(kind, item.id, label, item.lat + ', ' + item.lng); map.closePopup(); });
    return b;
  }

  function subscriptionPopup(s) {
    var label = s.customer + ' (' + s.username + ')';
    return node('div', { class: 'map-popup', 'data-popup-subscription': String(s.id) }, [
      node('strong', {}, [s.customer]), node('br'), s.username, node('br'),
      node('span', { class: 'map-state state-' + s.state }, [tr('map.state.' + s.state)]),
      s.online && s.state !== 'online' ? ' · ' + tr('map.online_now') : '',
      s.devicePort ? ' · ' + tr('map.port') + ' ' + s.devicePort : '',
      node('p', {}, [node('a', { href: '/admin/subscriptions/' + s.id }, [tr('map.open_subscription')])]),
      placeButton('subscription', s, label),
    ]);
  }

  function devicePopup(d) {
    var ports = d.ports
      ? node('p', { 'data-ports': '' }, [tr('map.ports') + ': ', node('strong', { 'data-ports-used': '' }, [String(d.ports.used)]), ' ' + tr('map.ports_used') + ', ',
        node('strong', { 'data-ports-free': '' }, [String(d.ports.free)]), ' ' + tr('map.ports_free') + ' (' + d.ports.count + ')'])
      : null;
    return node('div', { class: 'map-popup', 'data-popup-device': String(d.id) }, [
      node('strong', {}, [d.name]), node('br'), tr('kind.' + d.kind) + ' · ' + tr('map.device_state.' + d.state),
      ports,
      d.subscriptions ? node('p', {}, [d.subscriptions + ' ' + tr('map.subscriptions_here')]) : null,
      node('p', {}, [node('a', { href: '/admin/devices/' + d.id }, [tr('map.open_device')])]),
      placeButton('device', d, d.name),
    ]);
  }

  function draw(body) {
    links.clearLayers();
    devices.clearLayers();
    subscriptions.clearLayers();
    body.devices.items.forEach(function (d) {
      if (d.parent) L.polyline([d.parent, [d.lat, d.lng]], { className: 'map-link', color: '#475467', weight: 2, opacity: 0.7, interactive: false }).addTo(links);
      var icon = L.divIcon({ className: 'map-device kind-' + d.kind + ' device-' + d.state, html: LETTERS[d.kind] || 'X', iconSize: [22, 22] });
      var m = L.marker([d.lat, d.lng], { icon: icon, title: d.name, keyboard: true }).bindPopup(function () { return devicePopup(d); });
      m.on('add', function () { m.getElement().setAttribute('data-device', String(d.id)); });
      m.addTo(devices);
    });
    body.subscriptions.items.forEach(function (s) {
      if (s.parent) L.polyline([s.parent, [s.lat, s.lng]], { className: 'map-link', color: '#98a2b3', weight: 1, opacity: 0.8, interactive: false }).addTo(links);
      var c = COLOURS[s.state];
      var m = L.circleMarker([s.lat, s.lng], { radius: 7, color: '#ffffff', weight: 2, fillColor: c, fillOpacity: 1, className: 'map-sub state-' + s.state })
        .bindPopup(function () { return subscriptionPopup(s); });
      m.on('add', function () { m.getElement().setAttribute('data-subscription', String(s.id)); });
      m.addTo(subscriptions);
    });
    if (count) {
      var lines = [tr('map.count', { subscriptions: body.subscriptions.items.length, devices: body.devices.items.length })];
      [body.subscriptions, body.devices].forEach(function (layer) {
        if (layer.capped) lines.push(tr('map.capped', { shown: layer.items.length, total: layer.total }));
      });
      count.textContent = lines.join(' ');
      count.setAttribute('data-capped', body.subscriptions.capped || body.devices.capped ? '1' : '');
    }
    el.setAttribute('data-loaded', String(Date.now()));
  }

  var pending = null;
  var timer = null;
  function load() {
    if (pending) pending.abort();
    var ctl = (pending = new AbortController());
    var url = data.featuresUrl + '?bbox=' + encodeURIComponent(map.getBounds().pad(0.2).toBBoxString()) + '&limit=' + encodeURIComponent(data.limit || '');
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal: ctl.signal })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (body) { if (body && ctl === pending) draw(body); })
      .catch(function () { /* aborted by a newer view, or the server out of reach: the last drawing stays */ });
  }
  map.on('moveend', function () {
    clearTimeout(timer);
    timer = setTimeout(load, 150);
  });
  load();

  // Setting a location.
  var panel = document.getElementById('map-place');
  var form = panel && panel.querySelector('[data-place-form]');
  var input = panel && panel.querySelector('[data-place-location]');
  var status = panel && panel.querySelector('[data-place-status]');
  var pick = null;
  var target = panel && panel.dataset.kind ? { kind: panel.dataset.kind, id: panel.dataset.id } : null;

  function parseLatLng(text) {
    var m = /^\s*\(?\s*([-+]?\d+(?:\.\d*)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d*)?)\s*\)?\s*$/.exec(String(text).replace(/^\s*geo:/i, ''));
    if (!m) return null;
    var lat = Number(m[1]);
    var lng = Number(m[2]);
    return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? [lat, lng] : null;
  }
  function showPick(latlng) {
    if (!latlng) return;
    if (!pick) pick = L.circleMarker(latlng, { radius: 10, color: '#0b6bcb', weight: 3, fill: false, className: 'map-pick', interactive: false }).addTo(map);
    else pick.setLatLng(latlng);
  }
  function startPlacing(kind, id, label, location) {
    target = { kind: kind, id: String(id) };
    panel.hidden = false;
    panel.querySelector('[data-place-label]').textContent = label;
    input.value = location;
    status.textContent = '';
    showPick(parseLatLng(location));
    input.focus();
  }
  if (panel && form) {
    if (target) showPick(parseLatLng(input.value));
    map.on('click', function (e) {
      if (!target) return;
      input.value = e.latlng.lat.toFixed(6) + ', ' + e.latlng.lng.toFixed(6);
      showPick(e.latlng);
    });
    input.addEventListener('input', function () { showPick(parseLatLng(input.value)); });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!target) return;
      status.textContent = '';
      fetch('/admin/network/map/' + target.kind + 's/' + encodeURIComponent(target.id) + '/location', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf },
        body: new URLSearchParams({ location: input.value }).toString(),
      })
        .then(function (res) { return res.json().catch(function () { return { ok: false, errors: [String(res.status)] }; }); })
        .then(function (body) {
          status.textContent = body.ok ? tr('map.saved') : tr('map.save_failed') + ' ' + (body.errors || []).join(' ');
          status.setAttribute('data-result', body.ok ? 'saved' : 'failed');
          var at = parseLatLng(input.value);
          if (body.ok && at) map.setView(at, Math.max(map.getZoom(), 16));
          load();
        });
    });
  }
})();
