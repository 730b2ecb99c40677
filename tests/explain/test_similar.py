import numpy as np

from scoring.explain.similar import CLIP, NeighbourSpace, nearest


def test_nearest_matches_brute_force_and_excludes_the_query() -> None:
    rng = np.random.default_rng(0)
    points = rng.normal(size=(500, 4)).astype(np.float32)
    found, distance = nearest(points, points[10], k=5, exclude=10)
    brute = np.sqrt(((points - points[10]) ** 2).sum(axis=1))
    brute[10] = np.inf
    assert list(found) == list(np.argsort(brute, kind="stable")[:5])
    assert np.allclose(distance, np.sort(brute)[:5], rtol=1e-5)
    assert 10 not in found and np.all(np.diff(distance) >= 0)


def test_k_larger_than_the_population() -> None:
    points = np.zeros((3, 2), dtype=np.float32)
    found, _ = nearest(points, points[0], k=10, exclude=0)
    assert sorted(found) == [1, 2]


def test_space_standardises_weights_and_fills_missing_with_the_median() -> None:
    matrix = np.array([[0.0, 100.0, 5.0], [2.0, 300.0, 5.0], [4.0, 200.0, 5.0], [np.nan, np.nan, 5.0]])
    space = NeighbourSpace.fit(matrix[:3], np.array([0, 1]), np.array([3.0, 1.0]))
    points = space.transform(matrix)
    assert np.allclose(space.center, [2.0, 200.0])
    assert np.allclose(points[3], 0.0)
    assert np.isclose(points[0, 0] / points[0, 1], np.sqrt(3.0))  # equal z-scores, weights 3:1


def test_extreme_values_are_clipped() -> None:
    matrix = np.array([[0.0], [1.0], [0.0], [1.0]])
    space = NeighbourSpace.fit(matrix, np.array([0]), np.array([1.0]))
    far = space.transform(np.array([[1e9]]))
    assert np.isclose(far[0, 0], CLIP)


def test_the_heavier_feature_decides_the_neighbour() -> None:
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(200, 2))
    query = np.array([[0.0, 0.0]])
    reference = np.vstack([matrix, [[0.0, 3.0]], [[3.0, 0.0]]])
    heavy_first = NeighbourSpace.fit(reference, np.array([0, 1]), np.array([100.0, 1.0]))
    points = heavy_first.transform(reference[-2:])
    found, _ = nearest(points, heavy_first.transform(query)[0], k=1)
    assert found[0] == 0  # differs only in the light feature
