from decimal import Decimal

import factory

from catalog.models import Artifact, ArtifactKind, Capability, PriceUnit, Status, Tag, Vendor


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    homepage = "https://example.com/"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


class ArtifactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artifact

    name = factory.Sequence(lambda n: f"Artifact {n}")
    slug = factory.Sequence(lambda n: f"artifact-{n}")
    vendor = factory.SubFactory(VendorFactory)
    kind = ArtifactKind.MODEL
    status = Status.PUBLISHED
    summary = "A test artifact that exists so tests have something to look at."
    pricing_model = "paid"
    starting_price = Decimal("0.000001")
    price_unit = PriceUnit.PROMPT_TOKEN
    input_modalities = ["text"]
    output_modalities = ["text"]


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capability
        skip_postgeneration_save = True

    artifact = factory.SubFactory(ArtifactFactory)
    title = factory.Sequence(lambda n: f"Capability {n}")
    description = "Does a useful thing in a well described way."
    unique = "Does it differently."
    vs_alternatives = "Better than the usual alternatives at one thing."
    position = factory.Sequence(lambda n: n)
    input_types = ["text"]
    output_types = ["text"]

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class IntentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "comparisons.Intent"
        django_get_or_create = ("text",)

    text = factory.Sequence(lambda n: f"intent {n}")


class PairEvidenceFactory(factory.django.DjangoModelFactory):
    """Pass artifact_a/artifact_b in any order: the lower id is stored first."""

    class Meta:
        model = "comparisons.PairEvidence"

    artifact_a = factory.SubFactory(ArtifactFactory)
    artifact_b = factory.SubFactory(ArtifactFactory)
    intent = factory.SubFactory(IntentFactory)
    times_both_matched = 1

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        a, b = kwargs["artifact_a"], kwargs["artifact_b"]
        if a.id > b.id:
            kwargs["artifact_a"], kwargs["artifact_b"] = b, a
        return super()._create(model_class, *args, **kwargs)


class ComparisonOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "comparisons.ComparisonOverride"

    artifact_a = factory.SubFactory(ArtifactFactory)
    artifact_b = factory.SubFactory(ArtifactFactory)
