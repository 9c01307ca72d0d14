// The gap atlas: colour each area by the chosen measure; the table beside it says the same in words.
(function () {
  "use strict";
  var element = document.getElementById("atlas-map");
  if (!element || typeof L === "undefined") return;
  var map = L.map(element, { scrollWheelZoom: false }).setView([53.48, -2.24], 10);
  fetch(element.getAttribute("data-url"), { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      element.querySelector(".kith-map-fallback") && element.querySelector(".kith-map-fallback").remove();
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
    });
})();
