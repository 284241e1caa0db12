"""A different OpenRouter snapshot derived deterministically from a real one, to run a
held-back intent set on a catalog nobody tuned for.

    python benchmarks/intents/perturb_snapshot.py [SOURCE.json] OUT.json [--seed N]

From the source snapshot (by default ../shared/data/openrouter-models-2026-08-19.json) it
drops a random 30% of the models (a model and its ":free"/":batch" variants together),
shuffles the order, multiplies each model's prices by a random factor (0.25x to 4x, the same
factor for every price of one model), gives some models a new version (the number in the id,
slug and name moves on) and adds synthetic models from vendors the source does not have.
Same seed, same output.
"""

import argparse
import copy
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent.parent / "shared" / "data" / "openrouter-models-2026-08-19.json"
if not SOURCE.exists():
    SOURCE = Path("/work/shared/data/openrouter-models-2026-08-19.json")

TEXT_PARAMS = ["max_tokens", "temperature", "top_p", "stop", "seed"]

# Synthetic models: new vendors, each a realistic record of a kind the catalog has.
SYNTHETIC = [
    {
        "id": "halcyon/halcyon-2-70b",
        "hf": "Halcyon/Halcyon-2-70B-Instruct",
        "name": "Halcyon: Halcyon 2 70B",
        "description": "Halcyon 2 70B is an open-weight general-purpose chat model with "
        "native function calling, structured output and a configurable thinking mode.",
        "ctx": 1_048_576,
        "in": ["text"],
        "out": ["text"],
        "params": [
            "tools",
            "tool_choice",
            "response_format",
            "structured_outputs",
            "reasoning",
            "include_reasoning",
        ],
        "pricing": {"prompt": "0.00000012", "completion": "0.0000004"},
    },
    {
        "id": "halcyon/halcyon-2-8b:free",
        "hf": "Halcyon/Halcyon-2-8B",
        "name": "Halcyon: Halcyon 2 8B (free)",
        "description": "A small, fast open model from Halcyon for everyday chat and summarisation.",
        "ctx": 131_072,
        "in": ["text"],
        "out": ["text"],
        "params": ["tools", "tool_choice"],
        "pricing": {"prompt": "0", "completion": "0"},
    },
    {
        "id": "orinoco/orinoco-vision-1.5",
        "hf": "",
        "name": "Orinoco: Vision 1.5",
        "description": "Orinoco Vision 1.5 understands images and documents: charts, forms, "
        "screenshots and handwriting.",
        "ctx": 256_000,
        "in": ["text", "image", "file"],
        "out": ["text"],
        "params": ["response_format", "structured_outputs"],
        "pricing": {"prompt": "0.0000003", "completion": "0.0000012"},
    },
    {
        "id": "tessellate/tessera-image-3",
        "hf": "",
        "name": "Tessellate: Tessera Image 3",
        "description": "Tessera Image 3 renders photorealistic and illustrated images from "
        "prompts and edits existing pictures.",
        "ctx": 32_768,
        "in": ["text", "image"],
        "out": ["image"],
        "params": ["seed"],
        "pricing": {"prompt": "0.0000005", "completion": "0.000004", "image_output": "0.00003"},
    },
    {
        "id": "brightwave/brightwave-voice-2",
        "hf": "",
        "name": "Brightwave: Voice 2",
        "description": "Brightwave Voice 2 is an expressive voice model with dozens of "
        "preset voices and voice cloning.",
        "ctx": 8_192,
        "in": ["text"],
        "out": ["speech"],
        "params": [],
        "pricing": {"prompt": "0.000012", "completion": "0"},
    },
    {
        "id": "brightwave/brightwave-scribe-1",
        "hf": "",
        "name": "Brightwave: Scribe 1",
        "description": "Scribe 1 turns recorded audio into accurate text with speaker "
        "labels and timestamps.",
        "ctx": 0,
        "in": ["audio"],
        "out": ["transcription"],
        "params": [],
        "pricing": {"prompt": "0.0000015", "completion": "0"},
    },
    {
        "id": "vectorly/vectorly-embed-v2",
        "hf": "Vectorly/vectorly-embed-v2",
        "name": "Vectorly: Embed v2",
        "description": "A multilingual embedding model for retrieval and clustering.",
        "ctx": 8_192,
        "in": ["text"],
        "out": ["embeddings"],
        "params": [],
        "pricing": {"prompt": "0.00000001", "completion": "0"},
    },
    {
        "id": "kinetica/kinetica-motion-2",
        "hf": "",
        "name": "Kinetica: Motion 2",
        "description": "Kinetica Motion 2 makes short cinematic clips from a prompt or a "
        "starting frame.",
        "ctx": 4_096,
        "in": ["text", "image"],
        "out": ["video"],
        "params": ["seed"],
        "pricing": {"prompt": "0", "completion": "0.00005"},
    },
    {
        "id": "lookout/lookout-search-pro",
        "hf": "",
        "name": "Lookout: Search Pro",
        "description": "Lookout Search Pro answers with live results from the web and cites "
        "its sources.",
        "ctx": 128_000,
        "in": ["text"],
        "out": ["text"],
        "params": ["web_search_options", "response_format"],
        "pricing": {"prompt": "0.000002", "completion": "0.000008", "web_search": "0.005"},
    },
]


def _synthetic(spec: dict, created: int) -> dict:
    inputs, outputs = spec["in"], spec["out"]
    params = sorted(set(spec["params"]) | (set(TEXT_PARAMS) if "text" in outputs else set()))
    base = spec["id"].split(":")[0]
    return {
        "id": spec["id"],
        "canonical_slug": f"{base}-20261101",
        "hugging_face_id": spec["hf"],
        "name": spec["name"],
        "created": created,
        "description": spec["description"],
        "context_length": spec["ctx"],
        "architecture": {
            "modality": f"{'+'.join(inputs)}->{'+'.join(outputs)}",
            "input_modalities": inputs,
            "output_modalities": outputs,
            "tokenizer": "Other",
            "instruct_type": None,
        },
        "pricing": spec["pricing"],
        "top_provider": {"context_length": spec["ctx"], "max_completion_tokens": None,
                         "is_moderated": False},
        "per_request_limits": None,
        "supported_parameters": params,
        "default_parameters": {},
        "supported_voices": None,
        "knowledge_cutoff": None,
        "expiration_date": None,
        "links": {"details": f"/api/v1/models/{base}/endpoints"},
    }  # fmt: skip


def _scale(price, factor: float):
    try:
        value = float(price)
    except (TypeError, ValueError):
        return price
    if value <= 0:
        return price
    return f"{value * factor:.10f}".rstrip("0").rstrip(".")


_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")


def perturb(payload: dict, seed: int) -> dict:
    rng = random.Random(seed)
    records = [r for r in payload["data"] if isinstance(r, dict) and "id" in r]
    bases = sorted({r["id"].split(":")[0] for r in records})
    dropped = set(rng.sample(bases, round(len(bases) * 0.3)))
    kept = [copy.deepcopy(r) for r in records if r["id"].split(":")[0] not in dropped]
    factors = {b: rng.choice([0.25, 0.4, 0.5, 0.7, 0.8, 1.25, 1.5, 2.0, 3.0, 4.0]) for b in bases}
    # A new version for about one model in six: the first number in the id moves on.
    renames: dict[str, tuple[str, str]] = {}
    for base in bases:
        if base in dropped or rng.random() > 1 / 6:
            continue
        match = _VERSION.search(base.split("/", 1)[1])
        if not match:
            continue
        old = match.group(0)
        major, minor = int(match.group(1)), match.group(2)
        new = f"{major}.{int(minor) + 1}" if minor is not None else f"{major + 1}"
        renames[base] = (old, new)
    for record in kept:
        base = record["id"].split(":")[0]
        pricing = record.get("pricing") or {}
        for key, value in list(pricing.items()):
            if isinstance(value, str):
                pricing[key] = _scale(value, factors[base])
        if base in renames:
            old, new = renames[base]
            vendor, rest = record["id"].split("/", 1)
            record["id"] = f"{vendor}/{rest.replace(old, new, 1)}"
            for field in ("canonical_slug", "name"):
                if isinstance(record.get(field), str):
                    record[field] = record[field].replace(old, new, 1)
    created = max((r.get("created") or 0) for r in records) + 86_400
    kept += [_synthetic(spec, created + i) for i, spec in enumerate(SYNTHETIC)]
    rng.shuffle(kept)
    out = {k: v for k, v in payload.items() if k != "data"}
    out["data"] = kept
    out["total_count"] = len(kept)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="[SOURCE.json] OUT.json")
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()
    source, out = (SOURCE, args.paths[0]) if len(args.paths) == 1 else args.paths[:2]
    with open(source, encoding="utf-8") as handle:
        payload = json.load(handle)
    result = perturb(payload, args.seed)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1)
    print(f"{len(payload['data'])} models in, {len(result['data'])} out: {out}")


if __name__ == "__main__":
    main()
