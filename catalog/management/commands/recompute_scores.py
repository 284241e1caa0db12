from django.core.management.base import BaseCommand

from catalog.services import artifact_scores_recompute, capability_claims_recompute


class Command(BaseCommand):
    help = "Recompute every artifact's score components and UnfragileRank."

    def handle(self, *args, **options):
        count = artifact_scores_recompute()
        self.stdout.write(self.style.SUCCESS(f"Recomputed the score of {count} artifacts."))
        claims = capability_claims_recompute()
        self.stdout.write(f"Recomputed the computed claims of {claims} capabilities.")
