"""Where things live. The project root is found from this file so any working directory works."""

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("SOCIALKPI_HOME", Path(__file__).resolve().parents[2]))
STATE_DIR = Path(os.environ.get("SOCIALKPI_STATE_DIR", PROJECT_ROOT / ".socialkpi"))
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DAGS_DIR = PROJECT_ROOT / "dags"
PLUGINS_DIR = PROJECT_ROOT / "plugins"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
