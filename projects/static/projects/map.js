// The maps of the site, drawn with Leaflet (shipped by the django-leaflet package, served from
// the site itself: no CDN). Three kinds, each a <div> with data attributes:
// - data-map-features="URL": the map page. Reads the GeoJSON of URL (projects.services.map_layers:
//   features with their colour, marker shape, status, name and link; each layer's count and
//   whether it was cut short; the outlines), draws it, each layer's count in the page's legend
//   and the notes.
// - data-map-show="ID": a record's own small map, from the JSON in <script id=ID> (geometry,
//   colour).
// - data-map-draw="line|point" with data-map-input="ID": Leaflet.draw edits one line or one
//   point, written as GeoJSON into the hidden input ID; <script id="map-reference"> may hold a
//   geometry shown under it (the channel a point belongs to).
// Without a tile layer (data-tile-url empty) the features lie on a plain background.
// No inline script or style: colours are SVG attributes or set through the CSSOM.
"use strict";

(() => {
  // Where a map with nothing on it looks (Xiangzhou district, Zhuhai).
  const DEFAULT_CENTRE = [22.27, 113.55];
  const DEFAULT_ZOOM = 12;

  const readJson = (id) => {
    const element = id && document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  };

  const makeMap = (element) => {
    const data = element.dataset;
    const map = L.map(element, { attributionControl: Boolean(data.tileUrl) });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, {
        subdomains: data.tileSubdomains || "abc",
        attribution: data.tileAttribution || "",
        maxZoom: 18,
      }).addTo(map);
    } else {
      element.classList.add("map-plain");
    }
    map.setView(DEFAULT_CENTRE, DEFAULT_ZOOM);
    return map;
  };

  const fit = (map, layer) => {
    const bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
    }
  };

  const styleOf = (colour) => ({ color: colour, weight: 4, opacity: 0.9 });

  // A point layer's marker by its shape (projects.services.map_layers.MARKER_SHAPES): outfalls
  // are diamonds, complaint cases triangles, pumping stations squares, sampling points circles,
  // so that layers of the same colour still tell apart. Each is an SVG path like Leaflet's
  // circle marker (same size, click and tooltip), its outline computed from the marker's
  // point and radius (Leaflet 1.9's renderer hooks, as plugins of shaped markers use them).
  const OUTLINES = {
    square: (x, y, r) => `M${x - r},${y - r}H${x + r}V${y + r}H${x - r}Z`,
    diamond: (x, y, r) => {
      const d = r * 1.35;
      return `M${x},${y - d}L${x + d},${y}L${x},${y + d}L${x - d},${y}Z`;
    },
    triangle: (x, y, r) => {
      const d = r * 1.35;
      return `M${x},${y - d}L${x + d},${y + d * 0.75}L${x - d},${y + d * 0.75}Z`;
    },
  };

  // Made when first needed: this script runs where Leaflet may be missing (start() checks).
  let ShapeMarker = null;
  const shapeMarker = () =>
    (ShapeMarker ||= L.CircleMarker.extend({
      _updatePath() {
        const outline = OUTLINES[this.options.shape];
        if (!outline || !this._renderer._setPath) {
          L.CircleMarker.prototype._updatePath.call(this);
          return;
        }
        const point = this._point.round();
        const path = this._empty() ? "M0 0" : outline(point.x, point.y, this._radius);
        this._renderer._setPath(this, path);
      },
    }));

  // ``look(feature)``: the feature's { colour, shape }.
  const pointOf = (look) => (feature, latlng) => {
    const { colour, shape } = look(feature);
    return new (shapeMarker())(latlng, {
      shape: shape || "circle",
      radius: 7,
      color: "#ffffff",
      weight: 2,
      fillColor: colour,
      fillOpacity: 0.95,
    });
  };

  // A feature of the map's answer names its layer and its status key alone; its layer's
  // legend gives the status's label and colour, the layer its marker's shape
  // (projects.services.map_layers.map_features).
  const lookOf = (layers) => {
    const byKey = {};
    for (const layer of layers) {
      const legend = {};
      for (const entry of layer.legend) {
        legend[entry.key] = entry;
      }
      byKey[layer.key] = { shape: layer.shape, legend };
    }
    return (feature) => {
      const layer = byKey[feature.properties.layer];
      const entry = layer.legend[feature.properties.status_key];
      return { colour: entry.colour, label: entry.label, shape: layer.shape };
    };
  };

  const outlineLayer = (outlines) =>
    L.geoJSON(outlines, {
      style: { color: "#566573", weight: 2, dashArray: "6 4", fill: true, fillOpacity: 0.04 },
      interactive: false,
    });

  const popupOf = (properties, statusLabel, openLabel) => {
    const box = document.createElement("div");
    box.className = "map-popup";
    const name = document.createElement("strong");
    name.textContent = properties.name;
    const status = document.createElement("span");
    status.textContent = statusLabel;
    const link = document.createElement("a");
    link.href = properties.url;
    link.textContent = openLabel;
    box.append(name, document.createElement("br"), status, " ", link);
    return box;
  };

  // The panel's legend is the page's own (templates/projects/map/map.html): each layer shown
  // says how many of its features are on the map ("+" when cut short).
  const countsOf = (layers) => {
    for (const layer of layers) {
      const count = document.querySelector(`[data-layer-count="${layer.key}"]`);
      if (count) {
        count.textContent = `${layer.shown}${layer.truncated ? "+" : ""}`;
      }
    }
  };

  const showFeatures = (element) => {
    const data = element.dataset;
    const map = makeMap(element);
    const status = document.getElementById("map-status");
    fetch(data.mapFeatures, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) {
          throw new Error(response.statusText);
        }
        return response.json();
      })
      .then((collection) => {
        const outlines = outlineLayer(collection.outlines).addTo(map);
        const look = lookOf(collection.layers);
        const features = L.geoJSON(collection, {
          style: (feature) => styleOf(look(feature).colour),
          pointToLayer: pointOf(look),
          onEachFeature: (feature, layer) => {
            layer.bindPopup(() =>
              popupOf(feature.properties, look(feature).label, data.openLabel),
            );
            layer.bindTooltip(feature.properties.name);
          },
        }).addTo(map);
        // Each drawn path says what it is (for people's tools and the browser tests).
        features.eachLayer((layer) => {
          const element = layer.getElement && layer.getElement();
          if (element) {
            element.setAttribute("data-layer", layer.feature.properties.layer);
            element.setAttribute("data-name", layer.feature.properties.name);
            element.setAttribute("data-status", layer.feature.properties.status_key);
          }
        });
        fit(map, collection.features.length ? features : outlines);
        countsOf(collection.layers);
        const notes = collection.layers
          .filter((layer) => layer.truncated)
          .map((layer) =>
            data.truncatedLabel
              .replace("%(limit)s", collection.limit)
              .replace("%(layer)s", layer.label),
          );
        if (!collection.features.length) {
          notes.push(data.emptyLabel);
        }
        status.textContent = notes.join(" ");
        element.dataset.loaded = String(collection.features.length);
      })
      .catch(() => {
        status.textContent = data.failedLabel;
      });
  };

  const showOne = (element) => {
    const record = readJson(element.dataset.mapShow);
    const map = makeMap(element);
    const layer = L.geoJSON(record.geometry, {
      style: styleOf(record.colour),
      pointToLayer: pointOf(() => ({ colour: record.colour, shape: record.shape })),
      interactive: false,
    }).addTo(map);
    fit(map, layer);
  };

  // Copies the texts of ``from`` into ``into``, key by key (Leaflet.draw's L.drawLocal).
  const merge = (into, from) => {
    for (const [key, value] of Object.entries(from || {})) {
      if (value && typeof value === "object" && into[key] && typeof into[key] === "object") {
        merge(into[key], value);
      } else {
        into[key] = value;
      }
    }
  };

  const drawOne = (element) => {
    merge(L.drawLocal, readJson("map-draw-labels"));
    const mode = element.dataset.mapDraw;
    const input = document.getElementById(element.dataset.mapInput);
    const map = makeMap(element);
    const reference = readJson("map-reference");
    if (reference) {
      fit(map, outlineLayer(reference).addTo(map));
    }
    const drawn = new L.FeatureGroup().addTo(map);
    if (input.value) {
      L.geoJSON(JSON.parse(input.value)).eachLayer((layer) => drawn.addLayer(layer));
      fit(map, drawn);
    }
    const write = () => {
      const layers = drawn.getLayers();
      if (!layers.length) {
        input.value = "";
      } else if (mode === "point") {
        input.value = JSON.stringify(layers[layers.length - 1].toGeoJSON().geometry);
      } else {
        const lines = layers.map((layer) => layer.toGeoJSON().geometry);
        input.value = JSON.stringify(
          lines.length === 1
            ? lines[0]
            : {
                type: "MultiLineString",
                coordinates: lines.flatMap((line) =>
                  line.type === "LineString" ? [line.coordinates] : line.coordinates,
                ),
              },
        );
      }
      element.dataset.drawn = String(layers.length);
    };
    const control = new L.Control.Draw({
      position: "topleft",
      draw: {
        polyline: mode === "line" ? { shapeOptions: styleOf("#1f4e79") } : false,
        marker: mode === "point" ? {} : false,
        polygon: false,
        rectangle: false,
        circle: false,
        circlemarker: false,
      },
      edit: { featureGroup: drawn },
    });
    map.addControl(control);
    map.on(L.Draw.Event.CREATED, (event) => {
      if (mode === "point") {
        drawn.clearLayers(); // one point a record
      }
      drawn.addLayer(event.layer);
      write();
    });
    map.on(L.Draw.Event.EDITED, write);
    map.on(L.Draw.Event.DELETED, write);
  };

  const start = () => {
    if (typeof L === "undefined") {
      return;
    }
    for (const element of document.querySelectorAll("[data-map-features]")) {
      showFeatures(element);
    }
    for (const element of document.querySelectorAll("[data-map-show]")) {
      showOne(element);
    }
    for (const element of document.querySelectorAll("[data-map-draw]")) {
      drawOne(element);
    }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
