"""Run the Node.js and PHP client samples of the API guide against a real HTTP server on 127.0.0.1.

Each sample runs as published (anirena/api/samples.py) in its own `node` or `php` process,
with only BASE_URL, the credentials, the file name, the example torrent id and the TOTP
code filled in. A harness preamble declares what a sample that continues an earlier one
expects (BASE_URL and the token), and a harness epilogue writes the sample's final token
to a JSON file so that the next sample can start from it. The Rust samples are not run
because their crates (reqwest, serde_json, base64) must be fetched from crates.io.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from anirena.api import samples
from anirena.comments.services import post_comment
from anirena.testing import need
from anirena.torrents.models import Torrent
from tests.api.conftest import PASSWORD, SAMPLE_RELEASE, fill_placeholders

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAMPLE_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class ClientLanguage:
    """How to run one language's samples: the interpreter, the harness code and the dry-run edits."""

    key: str
    command: tuple[str, ...]
    suffix: str
    # Replacements that turn the upload sample into a dry run ("test": true) that prints the flag.
    dry_run_edits: dict[str, str]
    # What the dry run prints for the "test" flag.
    dry_run_flag: str

    # Statements that declare BASE_URL and the token, with {} for the quoted value.
    base_url_declaration: ClassVar[str]
    token_declaration: ClassVar[str]

    def quote(self, value: str) -> str:
        """Return `value` as a string literal of the language."""
        raise NotImplementedError

    def opening_lines(self, declares: bool) -> list[str]:
        """Return the harness lines in front of the declarations and the sample."""
        raise NotImplementedError

    def preamble(self, base_url: str | None, token: str | None) -> str:
        """Return the code that declares what a continuing sample expects (BASE_URL, the token)."""
        declarations = []
        if base_url is not None:
            declarations.append(self.base_url_declaration.format(self.quote(base_url)))
        if token is not None:
            declarations.append(self.token_declaration.format(self.quote(token)))
        return "".join(f"{line}\n" for line in self.opening_lines(bool(declarations)) + declarations)

    def epilogue(self, state_file: Path) -> str:
        """Return the code that writes the sample's final token to `state_file` as JSON."""
        raise NotImplementedError

    def printed_by_sample(self, code: str, output: str) -> str:
        """Return the sample's output without what the interpreter echoes of the source."""
        return output


class NodeLanguage(ClientLanguage):
    base_url_declaration = "const BASE_URL = {};"
    token_declaration = "let token = {};"

    def quote(self, value: str) -> str:
        return json.dumps(value)

    def opening_lines(self, declares: bool) -> list[str]:
        # The samples use top-level await and require(), so they run as an ES module with require restored.
        return ['import { createRequire } from "module";', "const require = createRequire(import.meta.url);"]

    def epilogue(self, state_file: Path) -> str:
        return f'\nrequire("fs").writeFileSync({self.quote(str(state_file))}, JSON.stringify({{ token }}));\n'


class PhpLanguage(ClientLanguage):
    base_url_declaration = 'define("BASE_URL", {});'
    token_declaration = "$token = {};"

    def quote(self, value: str) -> str:
        # Single quotes, so that PHP does not interpolate a `$` in the value.
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def opening_lines(self, declares: bool) -> list[str]:
        # A sample that starts on its own opens with a comment line and then its own `<?php` tag.
        return ["<?php"] if declares else []

    def epilogue(self, state_file: Path) -> str:
        return f'\nfile_put_contents({self.quote(str(state_file))}, json_encode(["token" => $token]));\n'

    def printed_by_sample(self, code: str, output: str) -> str:
        # PHP echoes the text in front of the `<?php` tag (the "// Requires: ..." line) as it is.
        if "<?php" not in code:
            return output
        header = code.split("<?php", 1)[0]
        assert output.startswith(header)
        return output[len(header):]


NODE = NodeLanguage(
    key="node",
    command=("node",),
    suffix=".mjs",
    dry_run_edits={"is_private: false,": "is_private: false, test: true,",
                   "console.log(data.id, data.name);": "console.log(data.test, data.name);"},
    dry_run_flag="true",
)
PHP = PhpLanguage(
    key="php",
    # Warnings and deprecation notices go to stderr, which the test requires to be empty.
    command=("php", "-d", "display_errors=stderr", "-d", "error_reporting=-1"),
    suffix=".php",
    dry_run_edits={'"is_private"   => false,': '"is_private"   => false, "test" => true,',
                   'echo $data["id"] . " " . $data["name"];': 'echo $data["test"] . " " . $data["name"];'},
    dry_run_flag="1",  # PHP echoes true as "1"
)


class SampleRunner:
    """Run one language's samples in a folder, each in a new interpreter process."""

    def __init__(self, language: ClientLanguage, base_url: str, folder: Path):
        self.language = language
        self.base_url = base_url
        self.folder = folder
        self.count = 0

    def run(self, samples_by_language: dict, replacements: dict[str, str], *, continues: bool = False,
            token: str | None = None, reports_token: bool = True) -> tuple[str, dict]:
        """Run a sample and return what it printed, with the state its epilogue wrote ({"token": ...} or {}).

        `continues` marks a sample that relies on an earlier one for BASE_URL, and `token`
        is the bearer token it expects to be declared.
        """
        code = fill_placeholders(samples_by_language[self.language.key], replacements)
        self.count += 1
        script = self.folder / f"sample{self.count}{self.language.suffix}"
        state_file = self.folder / f"sample{self.count}.json"
        preamble = self.language.preamble(self.base_url if continues else None, token)
        epilogue = self.language.epilogue(state_file) if reports_token else ""
        script.write_text(preamble + code + epilogue, encoding="utf-8")
        completed = subprocess.run([*self.language.command, str(script)], cwd=self.folder, capture_output=True,
                                   text=True, timeout=SAMPLE_TIMEOUT_SECONDS, check=False)
        assert completed.returncode == 0, f"{script.name} exited with {completed.returncode}: {completed.stderr}"
        assert completed.stderr == "", f"{script.name} wrote to stderr: {completed.stderr}"
        printed = self.language.printed_by_sample(code, completed.stdout)
        state = json.loads(state_file.read_text(encoding="utf-8")) if reports_token else {}
        return printed, state


@pytest.mark.parametrize("language", [NODE, PHP], ids=lambda language: language.key)
def test_guide_client_samples(language, sample_site, tmp_path):
    interpreter = language.command[0]
    need(shutil.which(interpreter) is not None,
         f"{interpreter} is not on PATH; run scripts/install-test-tools as root to install it")
    if language.key == "php":
        has_curl = subprocess.run(["php", "-r", 'exit(function_exists("curl_init") ? 0 : 1);'],
                                  check=False).returncode == 0
        need(has_curl, "the PHP curl extension is missing; run scripts/install-test-tools as root to install php-curl")
    runner = SampleRunner(language, sample_site.url, tmp_path)
    quote = language.quote
    base = {'"__BASE_URL__"': quote(sample_site.url)}

    # Sign in with 2FA and ask for a new API key.
    printed, state = runner.run(samples.LOGIN, {
        **base, '"your-username"': quote("sampler"), '"your-password"': quote(PASSWORD),
        '"123456"': quote(sample_site.totp_code()),
    })
    label = "New API key — store it now: "
    assert printed.startswith(label)
    api_key = printed.removeprefix(label).strip()
    assert api_key
    assert state["token"]

    # Exchange the key for a token, dry-run the upload, then upload for real.
    upload_replacements = {**base, '"YOUR_API_KEY"': quote(api_key),
                           '"file.torrent"': quote(str(sample_site.torrent_file))}
    printed, _state = runner.run(samples.UPLOAD, {**upload_replacements, **language.dry_run_edits})
    assert printed.strip() == f"{language.dry_run_flag} {SAMPLE_RELEASE}.mkv"
    assert Torrent.objects.count() == 0
    printed, state = runner.run(samples.UPLOAD, upload_replacements)
    torrent = Torrent.objects.get()
    assert printed.strip() == f"{torrent.pk} {SAMPLE_RELEASE}.mkv"
    assert torrent.uploader == sample_site.user
    assert torrent.sub_category.slug == "raw"
    assert state["token"]

    # Search for it with the token the upload sample saved. The server echoes the token in
    # use in X-New-Token, so the token the sample read from that header must be the same.
    token = state["token"]
    printed, state = runner.run(samples.SEARCH, {}, continues=True, token=token)
    assert printed.startswith(f"{SAMPLE_RELEASE}.mkv - magnet:?xt=urn:btih:")
    assert len(printed.strip().splitlines()) == 1
    assert state["token"] == token

    # Comments of the new torrent.
    post_comment(sample_site.user, torrent, "Great release!")
    example_id = {'"550e8400-e29b-41d4-a716-446655440000"': quote(str(torrent.pk))}
    printed, state = runner.run(samples.COMMENTS, example_id, continues=True, token=token)
    assert printed.strip() == "sampler - Great release!"
    assert state["token"] == token

    # Anime search needs no token.
    printed, _state = runner.run(samples.ANIME_SEARCH, {}, continues=True, reports_token=False)
    assert printed.strip().endswith("- Sword Art Online")
