import pytest

from kith.geo.loader import CNI_FILE, load_geography
from kith.geo.models import Area, GeographyLoad, LsoaIndicators, Postcode


@pytest.mark.django_db
def test_loading_again_with_the_same_files_does_nothing():
    loads = GeographyLoad.objects.count()
    result = load_geography()
    assert result.skipped
    assert GeographyLoad.objects.count() == loads


@pytest.mark.django_db
def test_forced_reload_upserts_without_duplicates():
    before = (Area.objects.count(), Postcode.objects.count(), LsoaIndicators.objects.count())
    Area.objects.filter(code="E05011366").update(name="Changed by hand")
    result = load_geography(force=True)
    assert not result.skipped
    assert (Area.objects.count(), Postcode.objects.count(), LsoaIndicators.objects.count()) == before
    assert Area.objects.get(code="E05011366").name == "Harpurhey"
    assert result.counts["postcodes"] == before[1]
    assert result.problems == []


@pytest.mark.django_db
@pytest.mark.reference
def test_community_needs_index_loads_from_the_reference_folder(reference_dir):
    assert not LsoaIndicators.objects.filter(cni_score__isnull=False).exists()
    result = load_geography(cni_path=reference_dir / CNI_FILE)
    assert result.with_cni
    row = LsoaIndicators.objects.get(lsoa_id="E01004766")
    assert (row.cni_score, row.cni_rank) == (74.74, 11823)
    assert LsoaIndicators.objects.filter(cni_score__isnull=True).count() == 0
