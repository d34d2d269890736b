#!/usr/bin/env python3
"""Rebuild the provenance-log fixtures of a ctapipe chain: ``v0.32_chain/`` or ``v0.28/``.

Every ``*.provenance.log`` in those folders was written by a released ctapipe
(0.32.0 or 0.28.0) tools themselves (``ctapipe-quickstart``, ``ctapipe-process``,
``ctapipe-merge``, ``ctapipe-train-energy-regressor``,
``ctapipe-train-particle-classifier``, ``ctapipe-apply-models``), run as
ordinary command-line programs from a throw-away virtual environment.
This script only prepares the inputs, runs the tools and copies the logs.

What it does, in order:

1. Creates ``/tmp/venv-ctapipe-<minor>`` (Python 3.12.1 for 0.32, 3.11.7
   for 0.28, from pyenv) with ``ctapipe[eventio]==<version>`` if it is missing.
2. Gets real sim_telarray input: the sdist of ``eventio==1.10.0`` from PyPI
   (the last release whose sdist ships ``tests/resources``) and extracts
   ``gamma_20deg_0deg_run102___cta-prod4-sst-1m_desert-2150m-Paranal-sst-1m``
   in its ``.simtel.gz`` and ``.simtel.zst`` forms (the same 31 simulated
   gamma showers seen by a 70-telescope SST-1M array, two different files).
   Building that sdist's metadata needs Cython, so a helper venv
   ``/tmp/venv-fixture-download`` is used for ``pip download``; the ctapipe
   venv's package list (which goes into every log) stays clean.
3. Runs the chain in a fixed working directory (``/tmp/ctapipe-chain`` for
   0.32, ``/tmp/ctapipe-chain-0.28`` for 0.28)
   (wiped first), with a small fixed environment (PATH, HOME, USER, SHELL,
   OMP_NUM_THREADS=1) so that the environment block of the logs is stable:

   ======  =====================================================================
   step    command (run in the working directory)
   ======  =====================================================================
   0       ctapipe-quickstart  -> Work/*.yaml configs
   1x      ctapipe-process with the quickstart configs only: fails (no
           cleaning thresholds for SST-1M), log kept (status "error")
   1a      ctapipe-process  run102 .simtel.gz  -> gamma_run102_gz.dl2.h5
   1b      ctapipe-process  run102 .simtel.zst -> gamma_run102_zst.dl2.h5
           with --SimTelEventSource.override_obs_id=1102, so
           that the two files hold distinct (obs_id, event_id)
   2       ctapipe-merge  1a + 1b  -> gamma_merged.dl2.h5
   3       ctapipe-train-energy-regressor  gamma_merged -> energy_regressor.pkl
   4a      ctapipe-apply-models  energy model on gamma_merged
                                   -> gamma_merged_energy.dl2.h5
   (prep)  plain PyTables copy of 4a with true_shower_primary_id set to 101
           (proton) -> background_relabelled.dl2.h5.  The packages searched
           (eventio and gammasimtools sdists) have no proton sim_telarray
           file for the SST-1M array (gammasimtools' proton files are
           LST+MST, 7 events), so the background class is relabelled gammas.
   5       ctapipe-train-particle-classifier  signal=4a output,
           background=relabelled copy -> particle_classifier.pkl
   6       ctapipe-apply-models  energy + classifier on 1a output
                                   -> gamma_run102_gz.dl2_reco.h5
   7       ctapipe-process twice (two separate processes) with the same
           --provenance-log=process_twice.provenance.log: ctapipe opens the
           log with mode "a+", so the file holds two JSON arrays back to back.
   8       ctapipe-quickstart then ctapipe-process run in ONE Python process
           with ctapipe.core.run_tool (script inprocess.py): the process
           run's log holds both activities in one array.
   ======  =====================================================================

4. Copies the provenance logs into the version's folder under their fixture
   names (see its README.md); HDF5 and pickle products stay in /tmp.

Run by hand (it is slow, a few minutes): ``python3 make.py 0.32`` or
``python3 make.py 0.28``. Written for and by ctapipe 0.32.0 and 0.28.0.
"""

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

#: minor version -> (ctapipe release, pyenv Python, working directory, fixture folder)
VERSIONS = {
    "0.32": ("0.32.0", "3.12.1", "/tmp/ctapipe-chain", "v0.32_chain"),
    "0.28": ("0.28.0", "3.11.7", "/tmp/ctapipe-chain-0.28", "v0.28"),
}
EVENTIO_SDIST_VERSION = "1.10.0"  # last eventio sdist that ships tests/resources
DL_VENV = Path("/tmp/venv-fixture-download")
DL_DIR = Path("/tmp/fixture-downloads")
# set by choose() from the command line: the release, its Python, venv, work dir and fixture folder
CTAPIPE_VERSION = PYTHON = ""
VENV = WORK = HERE = Path()


def choose(minor):
    """Point the settings above at one ctapipe version of VERSIONS."""
    global CTAPIPE_VERSION, PYTHON, VENV, WORK, HERE
    if minor not in VERSIONS:
        sys.exit(f"usage: make.py [{'|'.join(VERSIONS)}]")
    CTAPIPE_VERSION, pyenv, work, folder = VERSIONS[minor]
    PYTHON = os.environ.get("FIXTURE_PYTHON", os.path.expanduser(f"~/.pyenv/versions/{pyenv}/bin/python"))
    VENV = Path(f"/tmp/venv-ctapipe-{minor}")
    WORK = Path(work)
    HERE = Path(__file__).resolve().parent / folder

RUN_NAME = "gamma_20deg_0deg_run102___cta-prod4-sst-1m_desert-2150m-Paranal-sst-1m"
SIMTEL_FILES = [f"{RUN_NAME}.simtel.gz", f"{RUN_NAME}.simtel.zst"]

# fixture file name -> path of the log in WORK, filled in while running
FIXTURES = {}


def sh(cmd, check=True, **kwargs):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=check, **kwargs).returncode


def ensure_venv():
    if not (VENV / "bin" / "ctapipe-process").exists():
        sh([PYTHON, "-m", "venv", VENV])
        sh([VENV / "bin" / "pip", "install", "-q", f"ctapipe[eventio]=={CTAPIPE_VERSION}"])
    out = subprocess.run(
        [VENV / "bin" / "python", "-c", "import ctapipe; print(ctapipe.__version__)"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    if out != CTAPIPE_VERSION:
        sys.exit(f"{VENV} has ctapipe {out}, expected {CTAPIPE_VERSION}")


def ensure_inputs():
    """Extract the real sim_telarray files from the eventio sdist."""
    target = DL_DIR / "simtel"
    if all((target / f).exists() for f in SIMTEL_FILES):
        return target
    if not (DL_VENV / "bin" / "pip").exists():
        sh([PYTHON, "-m", "venv", DL_VENV])
        sh([DL_VENV / "bin" / "pip", "install", "-q",
            "cython", "numpy", "setuptools", "setuptools_scm", "wheel"])
    sdist_dir = DL_DIR / f"eventio-{EVENTIO_SDIST_VERSION}"
    sdist = sdist_dir / f"eventio-{EVENTIO_SDIST_VERSION}.tar.gz"
    if not sdist.exists():
        sh([DL_VENV / "bin" / "pip", "download", f"eventio=={EVENTIO_SDIST_VERSION}",
            "--no-deps", "--no-binary", ":all:", "--no-build-isolation", "-d", sdist_dir])
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(sdist) as tar:
        for f in SIMTEL_FILES:
            member = tar.getmember(f"eventio-{EVENTIO_SDIST_VERSION}/tests/resources/{f}")
            with tar.extractfile(member) as src, open(target / f, "wb") as dst:
                shutil.copyfileobj(src, dst)
    return target


def tool_env():
    return {
        "PATH": f"{VENV}/bin:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/root",
        "USER": "root",
        "SHELL": "/bin/bash",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
    }


def run_tool(tool, *args, check=True):
    rc = sh([tool, *args], cwd=WORK, env=tool_env(), check=check)
    print(f"  -> exit code {rc}", flush=True)


def keep(default_log, fixture_name):
    """Move the tool's default provenance log out of the way under its fixture name."""
    src = WORK / default_log
    dst = WORK / fixture_name
    src.rename(dst)
    FIXTURES[fixture_name] = dst


# base_config.yaml of ctapipe-quickstart sets thresholds for LST, MST and ASTRI
# only; the list is replaced as a whole, so repeat it and add SST-1M.
SST1M_CLEANING = """\
ImageProcessor:
  TailcutsImageCleaner:
    picture_threshold_pe:
      - [type, "LST*", 8.5]
      - [type, "MST*NectarCam", 9.0]
      - [type, "MST*FlashCam", 9.0]
      - [type, "SST_ASTRI_CHEC", 4.0]
      - [type, "SST_1M*", 8.0]
    boundary_threshold_pe:
      - [type, "LST*", 4.25]
      - [type, "MST*NectarCam", 4.5]
      - [type, "MST*FlashCam", 4.5]
      - [type, "SST_ASTRI_CHEC", 2.0]
      - [type, "SST_1M*", 4.0]
"""

RELABEL = r"""
import sys, numpy as np, tables
path = sys.argv[1]
with tables.open_file(path, "a") as f:
    t = f.root.simulation.event.subarray.shower
    col = t.cols.true_shower_primary_id
    col[:] = np.full(len(t), 101, dtype=col.dtype)
    print("relabelled", len(t), "showers in", path, "as protons (101)")
"""

INPROCESS = f"""\
from ctapipe.core import run_tool
from ctapipe.tools.process import ProcessorTool
from ctapipe.tools.quickstart import QuickStartTool

rc = run_tool(QuickStartTool(), ["--workdir", "Work_inprocess", "--name", "provrdf fixture",
              "--email", "fixtures@example.org", "--org", "provrdf",
              "--provenance-log", "inprocess_quickstart.provenance.log"], cwd=".")
assert rc == 0, rc
rc = run_tool(ProcessorTool(), ["--config", "Work/base_config.yaml",
              "--config", "Work/stage1_config.yaml", "--config", "Work/sst1m_cleaning.yaml",
              "--input", "input/{RUN_NAME}.simtel.zst", "--output", "inprocess.dl1.h5",
              "--max-events", "5", "--provenance-log", "inprocess_two_tools.provenance.log"], cwd=".")
assert rc == 0, rc
"""


def main():
    ensure_venv()
    simtel = ensure_inputs()

    if WORK.exists():
        shutil.rmtree(WORK)
    (WORK / "input").mkdir(parents=True)
    for f in SIMTEL_FILES:
        shutil.copy2(simtel / f, WORK / "input" / f)

    # 0: configuration files
    run_tool("ctapipe-quickstart", "--workdir", "Work", "--name", "provrdf fixture",
             "--email", "fixtures@example.org", "--org", "provrdf")
    keep("ctapipe-quickstart.provenance.log", "0_quickstart.provenance.log")

    # 1x: the quickstart configs alone have no cleaning thresholds for SST-1M:
    # this run fails (status "error", exit_code 1) and its log is kept as is.
    process_cfg = ["--config", "Work/base_config.yaml", "--config", "Work/ml_preprocessing_config.yaml"]
    run_tool("ctapipe-process", *process_cfg,
             "--input", f"input/{RUN_NAME}.simtel.gz", "--output", "failed.dl2.h5", check=False)
    keep("ctapipe-process.provenance.log", "1x_process_error.provenance.log")

    (WORK / "Work" / "sst1m_cleaning.yaml").write_text(SST1M_CLEANING)
    process_cfg += ["--config", "Work/sst1m_cleaning.yaml"]

    # 1a / 1b: r0 -> dl1 parameters + dl2 geometry, one run per input file
    run_tool("ctapipe-process", *process_cfg,
             "--input", f"input/{RUN_NAME}.simtel.gz", "--output", "gamma_run102_gz.dl2.h5")
    keep("ctapipe-process.provenance.log", "1a_process.provenance.log")
    run_tool("ctapipe-process", *process_cfg,
             "--input", f"input/{RUN_NAME}.simtel.zst", "--output", "gamma_run102_zst.dl2.h5",
             "--SimTelEventSource.override_obs_id=1102")
    keep("ctapipe-process.provenance.log", "1b_process.provenance.log")

    # 2: merge (obs_id 102 and 1102, so the events are distinct)
    run_tool("ctapipe-merge", "gamma_run102_gz.dl2.h5", "gamma_run102_zst.dl2.h5",
             "--output", "gamma_merged.dl2.h5")
    keep("ctapipe-merge.provenance.log", "2_merge.provenance.log")

    # 3: energy regressor
    run_tool("ctapipe-train-energy-regressor", "--config", "Work/train_energy_regressor.yaml",
             "--input", "gamma_merged.dl2.h5", "--output", "energy_regressor.pkl",
             "--cv-output", "energy_regressor_cv.h5", "--n-jobs", "1")
    keep("ctapipe-train-energy-regressor.provenance.log", "3_train_energy.provenance.log")

    # 4a: the classifier needs the energy features, apply the regressor first
    run_tool("ctapipe-apply-models", "--input", "gamma_merged.dl2.h5",
             "--output", "gamma_merged_energy.dl2.h5",
             "--reconstructor", "energy_regressor.pkl", "--n-jobs", "1")
    keep("ctapipe-apply-models.provenance.log", "4a_apply_energy.provenance.log")

    # prep: background class (no SST-1M protons available), not a ctapipe tool
    shutil.copy2(WORK / "gamma_merged_energy.dl2.h5", WORK / "background_relabelled.dl2.h5")
    sh([VENV / "bin" / "python", "-c", RELABEL, "background_relabelled.dl2.h5"], cwd=WORK, env=tool_env())

    # 5: particle classifier
    run_tool("ctapipe-train-particle-classifier", "--config", "Work/train_particle_classifier.yaml",
             "--signal", "gamma_merged_energy.dl2.h5",
             "--background", "background_relabelled.dl2.h5",
             "--output", "particle_classifier.pkl",
             "--cv-output", "particle_classifier_cv.h5", "--n-jobs", "1")
    keep("ctapipe-train-particle-classifier.provenance.log", "5_train_classifier.provenance.log")

    # 6: apply both models to the output of process run 1a
    run_tool("ctapipe-apply-models", "--input", "gamma_run102_gz.dl2.h5",
             "--output", "gamma_run102_gz.dl2_reco.h5",
             "--reconstructor", "energy_regressor.pkl",
             "--reconstructor", "particle_classifier.pkl", "--n-jobs", "1")
    keep("ctapipe-apply-models.provenance.log", "6_apply_models.provenance.log")

    # 7: the same tool twice, appending to one provenance log
    for out in ("twice_first.dl1.h5", "twice_second.dl1.h5"):
        run_tool("ctapipe-process", "--config", "Work/base_config.yaml",
                 "--config", "Work/stage1_config.yaml", "--config", "Work/sst1m_cleaning.yaml",
                 "--input", f"input/{RUN_NAME}.simtel.zst", "--output", out,
                 "--max-events", "5", "--provenance-log", "process_twice.provenance.log")
    FIXTURES["process_twice.provenance.log"] = WORK / "process_twice.provenance.log"

    # 8: two tools in ONE Python process (ctapipe.core.run_tool): the Provenance
    # singleton keeps every finished activity, so the second tool's log holds
    # an array of two activities (the quickstart run and the process run), and
    # system.arguments is the interpreter's sys.argv, not the tool's argv.
    (WORK / "inprocess.py").write_text(INPROCESS)
    sh([VENV / "bin" / "python", "inprocess.py"], cwd=WORK, env=tool_env())
    FIXTURES["inprocess_two_tools.provenance.log"] = WORK / "inprocess_two_tools.provenance.log"

    for name, path in FIXTURES.items():
        shutil.copy2(path, HERE / name)
        print(f"kept {HERE / name} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    choose(sys.argv[1] if len(sys.argv) > 1 else "0.32")
    main()
