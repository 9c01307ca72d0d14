"""Which polygon contains a point: shapely STRtree over area boundaries."""

from collections.abc import Sequence

import numpy as np
import shapely


class PolygonIndex:
    """Point-in-polygon look-up for one layer of areas (e.g. all wards)."""

    def __init__(self, codes: Sequence[str], geometries: Sequence[shapely.Geometry]):
        self.codes = np.asarray(codes, dtype=object)
        self.geometries = np.asarray(geometries, dtype=object)
        self.tree = shapely.STRtree(self.geometries)

    def locate(self, lons, lats) -> list[str | None]:
        """The code of the area containing each point, or None outside every area.

        A point on a shared edge belongs to the first area that covers it, so every point
        inside the layer gets exactly one answer.
        """
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        found: list[str | None] = [None] * len(points)
        point_idx, area_idx = self.tree.query(points, predicate="intersects")
        # query returns pairs sorted by point; keep the first area for each point.
        for p, a in zip(point_idx.tolist(), area_idx.tolist(), strict=True):
            if found[p] is None:
                found[p] = self.codes[a]
        return found
