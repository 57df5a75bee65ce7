"""`manage.py make_demo_data DIR`: write a synthetic pipeline output directory."""

from django.core.management.base import BaseCommand

from catalogue.demo.observation import write_demo_observation


class Command(BaseCommand):
    help = "Write a realistic pipeline directory (FITS, CSV, PNG, GIF)."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--sbid", default="SB50230")
        parser.add_argument("--beams", type=int, default=6)
        parser.add_argument("--per-beam", type=int, default=50)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, directory, sbid, beams, per_beam, seed, **options):
        path = write_demo_observation(
            directory, sbid=sbid, beams=beams, per_beam=per_beam, seed=seed
        )
        files = sum(1 for p in path.iterdir() if p.is_file())
        self.stdout.write(self.style.SUCCESS(f"wrote {files} files to {path}"))
