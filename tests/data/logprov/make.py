"""Rebuild the logprov fixtures of this folder by running the real logprov.

Tool versions (pinned below in ``COMMON_PINS`` and ``ensure_venv``): logprov
0.0.2 from PyPI (the brief's target) and, for comparison, logprov 0.0.1 from
PyPI, each in its own virtual environment with prov 2.0.0 (the W3C PROV
package that ``logprov.io`` imports), PyYAML 6.0.3, psutil 7.2.2, rdflib
7.6.0 (for prov's PROV-O writer), on CPython 3.8.18.  logprov declares no
dependencies at all and needs Python >= 3.7 (``datetime.fromisoformat``).

Run by hand, with any Python 3::

    python3 tests/data/logprov/make.py

It creates (or reuses) virtual environments under ``$PROVRDF_FIXTURE_VENVS``
(default ``/tmp/provrdf-fixture-venvs``) from ``$LOGPROV_PYTHON`` (default
``~/.pyenv/versions/3.8.18/bin/python``), installs the pins, then runs this
same file inside each (``--inside VERSION``) in a scratch directory, where a
small image-stacking pipeline class decorated with
``ProvCapture.trace_methods`` runs on small files it writes itself.  What
comes back here, for ``imagestack`` (0.0.2) and ``imagestack_logprov001``
(0.0.1):

* ``<name>.log`` -- the log exactly as logprov's logger wrote it
  (``_PROV_<time>_PROV_{...}`` records between the pipeline's own lines);
* ``<name>.provn`` / ``.json`` / ``.xml`` -- ``logprov.io.read_prov`` then
  ``provlist2provdoc`` then prov's ``ProvDocument.serialize`` (logprov has no
  serializer of its own);
* ``<name>.ttl`` -- the same ProvDocument through prov's ``rdf`` serializer
  (PROV-O Turtle; this is prov's, logprov offers none);
* ``<name>_definition.yaml`` -- the definitions given to ProvCapture
  (``activity_descriptions``/``entity_descriptions``/``entity_description``
  for 0.0.2, ``activities``/``entities``/``entityName`` for 0.0.1);
* ``definition_keys.txt`` -- what each version does with definitions whose
  top-level keys are spelled ``activities:``/``entities:``,
  ``activity_description:``/``entity_description:`` or
  ``activity_descriptions:``/``entity_descriptions:``.

Nothing is left to chance that logprov lets us fix: ``PYTHONHASHSEED=0`` (the
ids of Python-object entities are built from ``hash()``), a clean environment
(logprov logs PATH, HOME, USER, SHELL and CONDA_* variables) and fixed file
contents (file entities are named by their sha1).  What logprov does not let
us fix changes on every run: the wall-clock times, the activity ids (the last
6 characters of a ``uuid4``), the session id (``abs(hash(...))`` of an
object, i.e. a memory address), and the machine description in the session
record.

One shim: logprov calls ``os.getlogin()`` for the agent name, which raises
``OSError`` where the process has no login terminal (containers, CI); the
inner run replaces it with a function that returns ``AGENT``.

Only the standard library is imported at module level: pytest imports every
module under tests/ for doctests, and nothing here must run then.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE_PYTHON = os.path.expanduser(os.environ.get("LOGPROV_PYTHON", "~/.pyenv/versions/3.8.18/bin/python"))
COMMON_PINS = [
    "prov==2.0.0",
    "PyYAML==6.0.3",
    "psutil==7.2.2",
    "rdflib==7.6.0",
    "lxml==6.2.1",
    "networkx==3.1",
    "python-dateutil==3.0.0",
    "isodate==0.7.2",
    "pyparsing==3.1.4",
]
#: logprov version -> base name of the files its run writes
VERSIONS = {"0.0.2": "imagestack", "0.0.1": "imagestack_logprov001"}
AGENT = "astro"

# The definitions handed to ProvCapture (written to imagestack_definition.yaml
# as is).  Top-level keys as logprov 0.0.2 reads them.
DEFINITION_YAML = """\
# logprov 0.0.2 definitions for a small optical image-stacking pipeline
# (class ImageStacker in tests/data/logprov/make.py).
# Top-level keys read by logprov 0.0.2: activity_descriptions, entity_descriptions.
activity_descriptions:
  select_frames:
    description: "Select the raw frames of one night and one filter from the archive"
    parameters:
      - name: night
        description: "Observing night"
        value: config.night
      - name: filter_band
        description: "Photometric filter"
        value: config.filter_band
    usage:
      - role: archive
        description: "Archive directory of raw frames, with its index"
        entity_description: RawArchive
        location: config.archive_dir
    generation:
      - role: selected frames
        description: "The raw frames selected"
        entity_description: FrameSet
        value: frames
        has_members:
          list: frames
          entity_description: RawFrame
          id: frame_id
          location: path
          namespace: frame
  calibrate_frames:
    description: "Bias-subtract and flat-field each selected frame"
    parameters:
      - name: bias_level
        description: "Bias level subtracted (ADU)"
        value: config.bias_level
    usage:
      - role: selected frames
        entity_description: FrameSet
        value: frames
      - role: master flat
        description: "Master flat field of the night"
        entity_description: FITSFile
        location: config.flat_file
    generation:
      - role: calibrated frames
        entity_description: FrameSet
        value: calibrated
        has_progenitors:
          list: frames
          entity_description: RawFrame
          id: frame_id
          namespace: frame
  stack_frames:
    description: "Align and combine the calibrated frames into one image"
    parameters:
      - name: nxpix
        description: "Width of the stacked image (pixels)"
        value: config.nxpix
      - name: nypix
        description: "Height of the stacked image (pixels)"
        value: config.nypix
      - name: sigma_clip
        description: "Clipping threshold (sigma) of the combination"
        value: config.sigma_clip
    usage:
      - role: calibrated frames
        entity_description: FrameSet
        value: calibrated
    generation:
      - role: stacked image
        description: "Stacked image written as FITS"
        entity_description: StackedImage
        location: config.stacked_file
  extract_sources:
    description: "Detect sources on the stacked image and write a catalogue"
    parameters:
      - name: aperture
        description: "Photometry aperture radius (pixels)"
        value: config.aperture
    usage:
      - role: stacked image
        entity_description: StackedImage
        location: config.stacked_file
    generation:
      - role: source catalogue
        description: "Catalogue of detected sources"
        entity_description: Catalogue
        location: config.catalog_file
entity_descriptions:
  RawArchive:
    description: "A directory of raw frames with an index file"
    type: FileCollection
    index: index.csv
  RawFrame:
    description: "One raw CCD frame"
    type: File
    contentType: application/fits
  FrameSet:
    description: "A set of frames held in memory"
    type: PythonObject
  FITSFile:
    description: "A FITS file on disk"
    type: File
    contentType: application/fits
  StackedImage:
    description: "A stacked image on disk"
    type: File
    contentType: application/fits
  Catalogue:
    description: "A source catalogue on disk"
    type: File
    contentType: text/csv
agents:
  astro:
    email: astro@example.org
"""

# logprov 0.0.1 reads the same structure under other names: top-level
# ``activities``/``entities`` and, in usage/generation/members, ``entityName``.
DEFINITION_YAML_001 = (DEFINITION_YAML
                       .replace("logprov 0.0.2 definitions", "logprov 0.0.1 definitions")
                       .replace("Top-level keys read by logprov 0.0.2: activity_descriptions, entity_descriptions.",
                                "Top-level keys read by logprov 0.0.1: activities, entities (and entityName).")
                       .replace("activity_descriptions:", "activities:")
                       .replace("entity_descriptions:", "entities:")
                       .replace("entity_description:", "entityName:"))

# The three spellings of the top-level keys found in logprov's history:
# ``activities``/``entities`` (logprov 0.0.1, 2020-09), ``activity_description``/
# ``entity_description`` (2020-09-18 to 2020-10-22) and the plural one of 0.0.2.
KEY_VARIANTS = [
    ("activities", "entities"),
    ("activity_description", "entity_description"),
    ("activity_descriptions", "entity_descriptions"),
]


# ---------------------------------------------------------------- outside

def outside():
    sys.path.insert(0, str(HERE.parent))  # tests/data: the shared outside half
    from fixture_venv import copy_back, ensure_venv, inside_run

    keys = []
    for version, name in VERSIONS.items():
        python = ensure_venv(f"logprov-{version}-py3.8", BASE_PYTHON, [f"logprov=={version}", *COMMON_PINS])
        env = {"HOME": "/home/astro", "USER": AGENT, "SHELL": "/bin/bash", "IMAGESTACK_CALIB": "calib"}
        with inside_run(python, __file__, "IMAGESTACK_WORK", [version], env) as work:
            copy_back(work, HERE, [f"{name}.log", f"{name}.provn", f"{name}.json", f"{name}.xml", f"{name}.ttl",
                                   f"{name}_definition.yaml"])
            keys.append((work / "definition_keys.txt").read_text())
    (HERE / "definition_keys.txt").write_text("\n".join(keys))
    print("wrote", HERE / "definition_keys.txt")


# ---------------------------------------------------------------- inside

def write_inputs():
    """Small deterministic stand-ins for FITS frames: only their bytes are hashed."""
    archive = Path("archive/2019-03-14")
    archive.mkdir(parents=True)
    rows = ["frame_id,filter,exptime,file"]
    for i, band in enumerate(["r", "r", "g", "r"], start=1):
        fid = f"r2019031400{i:02d}"
        card = f"SIMPLE  = T / frame {fid} FILTER = '{band}' EXPTIME = 120.0 NAXIS1 = 100 NAXIS2 = 100"
        (archive / f"{fid}.fits").write_text(card.ljust(400) + "\n")
        rows.append(f"{fid},{band},120.0,{fid}.fits")
    (archive / "index.csv").write_text("\n".join(rows) + "\n")
    Path("calib").mkdir()
    Path("calib/master_flat_r.fits").write_text("SIMPLE  = T / master flat r 2019-03-14".ljust(400) + "\n")
    Path("products").mkdir()


def pipeline(version, name):
    import logging

    import yaml

    os.getlogin = lambda: AGENT  # see the module docstring
    import logprov

    definitions = yaml.safe_load(Path(f"{name}_definition.yaml").read_text())
    provconfig = {
        "capture": True,
        "hash_type": "sha1",
        "log_filename": f"{name}.log",
        "log_args": True,
        "log_args_as_entities": True,
        "log_kwargs": True,
        "log_returned_result": True,
        "system_dict": {"imagestack_version": "1.2.0"},
        "env_vars": ["IMAGESTACK_CALIB"],
        "logging": {
            "version": 1,
            "formatters": {"std": {"format": "%(asctime)s %(levelname)s [%(name)s] %(message)s"}},
            "handlers": {
                "provHandler": {"class": "logging.FileHandler", "filename": f"{name}.log", "mode": "w",
                                "level": "DEBUG", "formatter": "std"},
            },
            "loggers": {
                "provLogger": {"level": "INFO", "handlers": ["provHandler"], "propagate": False},
                "imagestack": {"level": "INFO", "handlers": ["provHandler"], "propagate": False},
            },
            "disable_existing_loggers": False,
        },
    }
    capture = logprov.ProvCapture(definitions=definitions, config=provconfig)
    log = logging.getLogger("imagestack")

    class StackConfig(dict):
        """The pipeline's configuration; logprov 0.0.1 logs ``config.filename`` in the session."""
        filename = "imagestack_r_20190314.yaml"

    class RawFrame:
        def __init__(self, frame_id, path, band):
            self.frame_id, self.path, self.band = frame_id, path, band
            self.calibrated = False

        def __repr__(self):
            return f"RawFrame({self.frame_id}{', calibrated' if self.calibrated else ''})"

    class FrameSet:
        """Frames in memory; hash from content so that entity ids are reproducible."""

        def __init__(self, frames, state="raw"):
            self.frames, self.state = list(frames), state

        def __iter__(self):
            return iter(self.frames)

        def __hash__(self):
            return hash(tuple(f.frame_id for f in self.frames))

        def __repr__(self):
            return f"FrameSet({self.state}: {', '.join(f.frame_id for f in self.frames)})"

    class SourceCatalogue:
        def __init__(self, sources):
            self.sources = sources

        def __hash__(self):
            return hash(tuple(self.sources))

        def __repr__(self):
            return f"SourceCatalogue({len(self.sources)} sources)"

    @capture.trace_methods
    class ImageStacker:
        def __init__(self, config):
            self.config = config
            self.frames = None
            self.calibrated = None

        def select_frames(self):
            log.info("selecting %s-band frames of %s", self.config["filter_band"], self.config["night"])
            archive = Path(self.config["archive_dir"])
            lines = (archive / "index.csv").read_text().splitlines()[1:]
            frames = []
            for line in lines:
                fid, band, _, fname = line.split(",")
                if band == self.config["filter_band"]:
                    frames.append(RawFrame(fid, str(archive / fname), band))
            self.frames = FrameSet(frames)
            log.info("%d frames selected", len(frames))
            return self.frames

        def calibrate_frames(self, overscan=True):
            log.info("calibrating %d frames with %s", len(self.frames.frames), self.config["flat_file"])
            self.calibrated = FrameSet(self.frames, state="calibrated")
            return self.calibrated

        def stack_frames(self, combine="median"):
            log.info("stacking %d frames (%s, %d x %d)", len(self.calibrated.frames), combine,
                     self.config["nxpix"], self.config["nypix"])
            Path(self.config["stacked_file"]).write_text(
                f"SIMPLE  = T / stack of {self.calibrated!r} COMBINE = '{combine}'".ljust(400) + "\n")
            return self.config["stacked_file"]

        def extract_sources(self, threshold, deblend=False):
            log.info("extracting sources above %.1f sigma", threshold)
            sources = [("S1", 150.0812, 2.2105, 17.31), ("S2", 150.0933, 2.2198, 18.02),
                       ("S3", 150.1120, 2.2011, 19.47)]
            with open(self.config["catalog_file"], "w") as f:
                f.write("id,ra,dec,mag\n")
                f.writelines(",".join(str(v) for v in s) + "\n" for s in sources)
            return SourceCatalogue([s[0] for s in sources])

        def _mask_bad_pixels(self):
            # not traced (name starts with "_"): logprov sees the change of
            # `calibrated` at the next traced call and logs a derivation
            self.calibrated = FrameSet(self.calibrated, state="calibrated, masked")

    log.info("imagestack 1.2.0 starting (logprov %s)", version)
    stacker = ImageStacker(StackConfig({
        "night": "2019-03-14",
        "filter_band": "r",
        "archive_dir": "archive/2019-03-14",
        "flat_file": "calib/master_flat_r.fits",
        "bias_level": 1021.5,
        "nxpix": 100,
        "nypix": 100,
        "sigma_clip": 3.0,
        "aperture": 4.5,
        "stacked_file": "products/stack_r_20190314.fits",
        "catalog_file": "products/sources_r_20190314.csv",
    }))
    stacker.select_frames()
    stacker.calibrate_frames()
    stacker.stack_frames(combine="median")
    stacker._mask_bad_pixels()
    stacker.extract_sources(5.0)
    log.info("imagestack done")
    logging.shutdown()


def export(name):
    from logprov.io import provlist2provdoc, read_prov

    provlist = read_prov(logname=f"{name}.log")
    provdoc = provlist2provdoc(provlist)
    provdoc.serialize(f"{name}.json")
    provdoc.serialize(f"{name}.xml", format="xml")
    provdoc.serialize(f"{name}.provn", format="provn")
    provdoc.serialize(f"{name}.ttl", format="rdf", rdf_format="turtle")


def check_definition_keys(version):
    """Record what this logprov version does with each spelling of the top-level keys.

    Run in a child process per spelling, since ProvCapture is a singleton.
    """
    import yaml

    base = yaml.safe_load(DEFINITION_YAML)
    lines = [f"# logprov {version}: decorating a method and calling it with definitions whose",
             "# top-level keys are spelled as below (same content as imagestack_definition.yaml)."]
    child = (
        "import os, sys, yaml, logprov\n"
        "os.getlogin = lambda: 'astro'\n"
        "d = yaml.safe_load(open(sys.argv[1]))\n"
        "import logprov.capture as c\n"
        "cfg = {'capture': True, 'log_filename': sys.argv[2]}\n"
        "if hasattr(c, 'logging_config'):  # logprov 0.0.1 wants the logging dict in the config\n"
        "    cfg['logging'] = c.logging_config\n"
        "cap = logprov.ProvCapture(definitions=d, config=cfg)\n"
        "class Cfg(dict):\n"
        "    filename = 'imagestack.yaml'\n"
        "class ImageStacker:\n"
        "    config = Cfg(nxpix=100)\n"
        "    def stack_frames(self):\n"
        "        return None\n"
        "try:\n"
        "    cap.trace_methods(ImageStacker)\n"
        "    ImageStacker().stack_frames()\n"
        "    print('accepted:', sum(1 for l in open(sys.argv[2]) if '_PROV_' in l), 'provenance records logged')\n"
        "except Exception as ex:\n"
        "    print('rejected:', repr(ex))\n"
    )
    for akey, ekey in KEY_VARIANTS:
        variant = {akey: base["activity_descriptions"], ekey: base["entity_descriptions"], "agents": base["agents"]}
        fname = f"variant_{akey}.yaml"
        Path(fname).write_text(yaml.safe_dump(variant, sort_keys=False))
        out = subprocess.run([sys.executable, "-c", child, fname, f"variant_{akey}.log"],
                             capture_output=True, text=True, check=False)
        lines.append(f"{akey}: / {ekey}: -> {(out.stdout + out.stderr).strip().splitlines()[-1]}")
    Path("definition_keys.txt").write_text("\n".join(lines) + "\n")


def inside(version):
    name = VERSIONS[version]
    os.chdir(os.environ["IMAGESTACK_WORK"])
    Path(f"{name}_definition.yaml").write_text(DEFINITION_YAML if version == "0.0.2" else DEFINITION_YAML_001)
    write_inputs()
    pipeline(version, name)
    export(name)
    check_definition_keys(version)


if __name__ == "__main__":
    if "--inside" in sys.argv:
        inside(sys.argv[sys.argv.index("--inside") + 1])
    else:
        outside()
