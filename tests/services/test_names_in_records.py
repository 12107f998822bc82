"""Provider, strand and funding-stream names: hidden characters refused by field, lookalikes warned of."""

from __future__ import annotations

import pytest

from desktop_app.services.funding import stream_name_warning
from desktop_app.services.providers import list_providers, provider_name_warning, save_provider
from desktop_app.services.strands import list_strands, save_strand, strand_name_warning
from desktop_app.services.validation import ValidationFailed
from tests.services.test_strands import add_provider, add_stream, strand_draft
from tests.services.test_providers import _draft


@pytest.mark.parametrize("bad", ["Aire\x00Valley", "Aire Valley\x07", "Aire Valley\u202eslx", "Aire \ud800Valley"])
def test_a_provider_name_with_a_hidden_character_is_refused_and_nothing_saved(db, bad):
    with pytest.raises(ValidationFailed) as refused:
        save_provider(db, _draft(name=bad))
    assert refused.value.messages("name")[0].startswith("The name holds")
    assert list_providers(db) == []


def test_a_provider_lookalike_is_warned_of_by_name_but_may_be_saved(db):
    save_provider(db, _draft(name="Aire Valley Victim Support"))
    warning = provider_name_warning(db, "Аire Valley Victim Support")  # Cyrillic А
    assert warning is not None and "'Aire Valley Victim Support'" in warning
    assert provider_name_warning(db, "Aire Valley Victim\u200b Support") == warning
    assert provider_name_warning(db, "Calder Aid") is None
    save_provider(db, _draft(name="Аire Valley Victim Support"))  # a warning, not a refusal
    assert len(list_providers(db)) == 2


def test_editing_a_provider_is_not_warned_about_itself(db):
    provider_id, _ = save_provider(db, _draft(name="Aire Valley Victim Support"))
    assert provider_name_warning(db, "AIRE VALLEY VICTIM SUPPORT", provider_id) is None


def test_strand_and_stream_names_refuse_hidden_characters_and_warn_of_lookalikes(db):
    stream_id = add_stream(db)
    provider_id = add_provider(db)
    with pytest.raises(ValidationFailed) as refused:
        save_strand(db, strand_draft(provider_id, stream_id, name="Bradford\u202e IDVA"))
    assert "reverses how text reads" in refused.value.messages("name")[0]
    assert list_strands(db) == []
    save_strand(db, strand_draft(provider_id, stream_id))
    assert "'Bradford IDVA service'" in strand_name_warning(db, "Bradford IDVA servic\u0435", provider_id)
    assert "'MoJ victims' services grant 2022–25'" in stream_name_warning(db, "M\u043eJ victims' services grant 2022–25")
    with pytest.raises(ValidationFailed) as refused:
        add_stream(db, name="MoJ grant\x00")
    assert refused.value.messages("name")
