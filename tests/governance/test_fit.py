"""“Which model fits us?”: the rules, the page, and who may start a draft from it."""

import re

import pytest
from django.urls import reverse

from governance.fit import Brands, Maturity, Voice, recommend
from governance.model_types import MODEL_TYPES
from governance.models import ModelType

ANSWERS = {"regulated": "no", "brands": "one", "maturity": "established", "voice": "trained"}


def answers(**changes):
    return {**ANSWERS, **changes}


@pytest.mark.parametrize(
    ("regulated", "brands", "maturity", "voice", "expected", "rule"),
    [
        # 1: many brands -> one hub per brand, tied together by a centre (even when regulated)
        (False, Brands.MANY, Maturity.ESTABLISHED, Voice.TRAINED, ModelType.MULTIPLE_HUB_AND_SPOKE, 1),
        (True, Brands.MANY, Maturity.EXPERIMENTING, Voice.SPOKESPEOPLE, ModelType.MULTIPLE_HUB_AND_SPOKE, 1),
        # 2: regulated and experimenting -> centralized
        (True, Brands.ONE, Maturity.EXPERIMENTING, Voice.TRAINED, ModelType.CENTRALIZED, 2),
        (True, Brands.FEW, Maturity.EXPERIMENTING, Voice.EVERYONE, ModelType.CENTRALIZED, 2),
        # 3: regulated and established or mature -> hub and spoke with a legal lane
        (True, Brands.ONE, Maturity.ESTABLISHED, Voice.TRAINED, ModelType.HUB_AND_SPOKE, 3),
        (True, Brands.FEW, Maturity.MATURE, Voice.EVERYONE, ModelType.HUB_AND_SPOKE, 3),
        # 4: only official spokespeople -> centralized
        (False, Brands.ONE, Maturity.MATURE, Voice.SPOKESPEOPLE, ModelType.CENTRALIZED, 4),
        (False, Brands.FEW, Maturity.EXPERIMENTING, Voice.SPOKESPEOPLE, ModelType.CENTRALIZED, 4),
        # 5: mature and everyone speaks -> holistic
        (False, Brands.ONE, Maturity.MATURE, Voice.EVERYONE, ModelType.HOLISTIC, 5),
        # 6: experimenting, free to start at the edges -> decentralized
        (False, Brands.ONE, Maturity.EXPERIMENTING, Voice.TRAINED, ModelType.DECENTRALIZED, 6),
        (False, Brands.FEW, Maturity.EXPERIMENTING, Voice.EVERYONE, ModelType.DECENTRALIZED, 6),
        # 7: everything else -> hub and spoke
        (False, Brands.ONE, Maturity.ESTABLISHED, Voice.TRAINED, ModelType.HUB_AND_SPOKE, 7),
        (False, Brands.FEW, Maturity.MATURE, Voice.TRAINED, ModelType.HUB_AND_SPOKE, 7),
        (False, Brands.ONE, Maturity.ESTABLISHED, Voice.EVERYONE, ModelType.HUB_AND_SPOKE, 7),
    ],
)
def test_each_rule_recommends_its_model(regulated, brands, maturity, voice, expected, rule):
    result = recommend(regulated=regulated, brands=brands, maturity=maturity, voice=voice)
    assert (result.type, result.rule) == (expected, rule)
    info = MODEL_TYPES[expected]
    assert any(str(info.fits_when) in reason for reason in result.reasons)
    assert any(str(info.strengths) in reason for reason in result.reasons)
    assert 1 <= len(result.runner_ups) <= 2
    assert expected not in [alternative.type for alternative in result.runner_ups]
    assert all(alternative.reason for alternative in result.runner_ups)


def test_every_combination_of_answers_gets_a_recommendation():
    for regulated in (True, False):
        for brands in Brands:
            for maturity in Maturity:
                for voice in Voice:
                    result = recommend(regulated=regulated, brands=brands, maturity=maturity, voice=voice)
                    assert result.type in MODEL_TYPES
                    assert result.reasons


def test_regulated_and_established_gets_a_legal_lane():
    result = recommend(regulated=True, brands=Brands.ONE, maturity=Maturity.MATURE, voice=Voice.TRAINED)
    assert "legal lane" in result.note


def test_decentralized_points_to_hub_and_spoke_as_the_next_step():
    result = recommend(regulated=False, brands=Brands.ONE, maturity=Maturity.EXPERIMENTING, voice=Voice.TRAINED)
    assert result.runner_ups[0].type == ModelType.HUB_AND_SPOKE


# --- The page -----------------------------------------------------------------------------


def test_the_questionnaire_needs_a_sign_in(client, db):
    response = client.get(reverse("models:fit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_everyone_signed_in_may_use_it(client_for, outsider):
    response = client_for(outsider).get(reverse("models:fit"))
    assert response.status_code == 200
    assert "Which model fits us?" in response.text
    assert 'name="brands"' in response.text
    assert "Our recommendation" not in response.text


def test_answers_show_the_recommendation_with_reasons_and_runner_ups(client_for, communicator):
    response = client_for(communicator).post(reverse("models:fit"), answers(brands="many"))
    assert response.status_code == 200
    html = response.text
    info = MODEL_TYPES[ModelType.MULTIPLE_HUB_AND_SPOKE]
    assert "Our recommendation" in html
    assert f'id="recommendation-title">{info.label}<' in html
    assert "You run many brands or business units" in html
    assert str(info.fits_when) in html
    assert str(info.strengths) in html
    assert str(info.weaknesses) in html
    assert "Also worth a look" in html
    assert str(MODEL_TYPES[ModelType.HUB_AND_SPOKE].label) in html
    # The answers stay chosen, so they can be changed.
    assert re.search(r'<input[^>]*value="many"[^>]*checked', html)


@pytest.mark.parametrize(
    "data",
    [
        {},
        answers(brands="dozens"),
        answers(regulated="maybe"),
        {key: value for key, value in ANSWERS.items() if key != "voice"},
    ],
    ids=["nothing", "unknown choice", "not yes or no", "one missing"],
)
def test_bad_answers_show_form_errors(client_for, communicator, data):
    response = client_for(communicator).post(reverse("models:fit"), data)
    assert response.status_code == 200
    assert "Please answer every question." in response.text
    assert "Choose one of the answers" in response.text
    assert 'class="errorlist' in response.text
    assert "Our recommendation" not in response.text


def test_a_lead_may_start_a_draft_of_the_recommended_model(client_for, lead):
    client = client_for(lead)
    html = client.post(reverse("models:fit"), answers(maturity="mature", voice="everyone")).text
    start = f"{reverse('models:create')}?type={ModelType.HOLISTIC.value}"
    assert f'href="{start}"' in html
    assert "Start a draft of this model" in html
    # The runner-up can be started too.
    assert f'href="{reverse("models:create")}?type={ModelType.HUB_AND_SPOKE.value}"' in html
    assert client.get(start).status_code == 200


def test_a_communicator_gets_the_advice_but_no_draft_button(client_for, communicator):
    html = client_for(communicator).post(reverse("models:fit"), answers(maturity="mature", voice="everyone")).text
    assert str(MODEL_TYPES[ModelType.HOLISTIC].label) in html
    assert "Start a draft" not in html
    assert reverse("models:create") not in html
