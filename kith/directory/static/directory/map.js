// Draw the results map from the JSON the page embeds; the list works without it.
(function () {
  "use strict";
  var element = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!element || !source || typeof L === "undefined") return;
  var data = JSON.parse(source.textContent);
  element.innerHTML = "";
  // A view first: circles cannot be drawn on a map that has none.
  var map = L.map(element, { scrollWheelZoom: false }).setView([53.48, -2.24], 10);
  if (data.tiles) {
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
  }
  var layers = [];
  // Something to orient by when there is no base map: the wards around, and landmarks, labelled.
  (data.neighbours || []).forEach(function (ward) {
    if (ward.outline) {
      L.geoJSON(ward.outline, { style: { color: "#aeb7bd", weight: 1, fill: false }, interactive: false }).addTo(map);
    }
    L.tooltip({ permanent: true, direction: "center", className: "kith-map-label kith-map-label--area" })
      .setLatLng([ward.lat, ward.lon]).setContent(ward.name).addTo(map);
  });
  (data.landmarks || []).forEach(function (place) {
    L.circleMarker([place.lat, place.lon], {
      radius: 3, color: "#4c6272", weight: 1, fillColor: "#4c6272", fillOpacity: 1, interactive: false,
    }).addTo(map);
    L.tooltip({ permanent: true, direction: "right", offset: [4, 0], className: "kith-map-label" })
      .setLatLng([place.lat, place.lon]).setContent(place.name).addTo(map);
  });
  if (data.outline) {
    var outline = L.geoJSON(data.outline, {
      style: { color: "#005eb8", weight: 2, fillColor: "#005eb8", fillOpacity: 0.05 },
    }).addTo(map);
    if (data.outline_name) outline.bindTooltip(data.outline_name);
    layers.push(outline);
  }
  if (data.centre && data.radius_m) {
    var circle = L.circle([data.centre[1], data.centre[0]], {
      radius: data.radius_m, color: "#4c6272", weight: 1, dashArray: "4 4", fill: false,
    }).addTo(map);
    L.circleMarker([data.centre[1], data.centre[0]], { radius: 5, color: "#212b32", fillOpacity: 1 })
      .bindTooltip(data.centre_name || "Search point", { permanent: true, direction: "top" }).addTo(map);
    layers.push(circle);
  }
  data.markers.forEach(function (m) {
    var marker = L.circleMarker([m.lat, m.lon], {
      radius: 7, color: "#ffffff", weight: 2, fillColor: "#007f3b", fillOpacity: 1,
    }).addTo(map);
    var label = document.createElement(m.url ? "a" : "span");
    label.textContent = m.name;
    if (m.url) label.href = m.url;
    marker.bindPopup(label);
    layers.push(marker);
  });
  var group = L.featureGroup(layers);
  if (layers.length) {
    // No animation: the first view is the one people (and printouts) see, not a zoom from all of Manchester.
    map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 16, animate: false });
  }
  element.setAttribute("data-ready", "true");
})();
