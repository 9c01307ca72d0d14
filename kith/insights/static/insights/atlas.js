// The gap atlas: colour each area by the chosen measure; the table beside it says the same in words.
(function () {
  "use strict";
  var element = document.getElementById("atlas-map");
  if (!element || typeof L === "undefined") return;
  var map = L.map(element, { scrollWheelZoom: false }).setView([53.48, -2.24], 10);
  // JavaScript is running, so the fallback's "needs JavaScript" is no longer true: say what is happening.
  var fallback = element.querySelector(".kith-map-fallback");
  if (fallback) fallback.textContent = "Loading the map…";
  fetch(element.getAttribute("data-url"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (data) {
      if (fallback) fallback.remove();
      var layer = L.geoJSON(data, {
        style: function (feature) {
          return { color: "#425563", weight: 1, fillColor: feature.properties.colour, fillOpacity: 0.8 };
        },
        onEachFeature: function (feature, shape) {
          var p = feature.properties;
          var label = document.createElement("span");
          label.textContent = p.area_name + ": " + p.value;
          shape.bindTooltip(label);
        },
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10], animate: false });
      element.setAttribute("data-ready", "true");
      return addSites(layer);
    })
    .catch(function () {
      if (fallback) fallback.textContent = "The map could not load; the table has the same figures.";
    });

  // The open-data sites of this kind, as dots the reader can switch off: what exists, beside what is listed.
  function addSites(areas) {
    var url = element.getAttribute("data-layers-url");
    if (!url) return null;
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data || !data.features.length) return;
        var dots = L.canvas(); // thousands of dots draw fast on a canvas; the areas stay SVG
        var sites = L.geoJSON(data, {
          pointToLayer: function (feature, point) {
            return L.circleMarker(point, { renderer: dots, radius: 3, color: "#00401e", weight: 1, fillOpacity: 0.9 });
          },
          onEachFeature: function (feature, shape) {
            var label = document.createElement("span");
            label.textContent = feature.properties.layer + " (" + feature.properties.source + ")";
            shape.bindTooltip(label);
          },
        }).addTo(map);
        var names = {};
        names["Open-data sites (" + data.features.length + ")"] = sites;
        L.control.layers({}, Object.assign({ Areas: areas }, names), { collapsed: false }).addTo(map);
        element.setAttribute("data-sites", String(data.features.length));
      });
  }
})();
