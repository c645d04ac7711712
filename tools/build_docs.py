"""Build the docs site offline from `_quarto.yml`, without Quarto, and regenerate README.md from nbs/index.ipynb.

nbdev prepares the notebooks (`proc_nbs`: show_doc, directives) exactly as `nbdev_docs` would; smalldocs, a
pure-Python renderer of Quarto projects, renders them. Users with Quarto run `nbdev_docs` instead.
The build writes only `_proc/` (the site is `_proc/_docs/`) and leaves nothing in the temporary folder; it uses
`nbs/_quarto.yml` and `nbs/sidebar.yml` as committed, writes the site settings nbdev keeps in `nbdev.yml` from
`settings.ini` into `_proc/`, and checks the site it built (`check_site`).
Usage: python tools/build_docs.py [--readme | --check-readme]   (write README.md, or check that it is up to date)
"""
import base64, html, json, os, re, shutil, subprocess, sys, tempfile
from pathlib import Path

from nbdev.config import get_config
from nbdev.quarto import proc_nbs
from latex2mathml.converter import convert as tex_to_mathml

ROOT = Path(__file__).resolve().parents[1]
# nbdev writes an `output-file` key for Quarto into each processed notebook; smalldocs names its pages itself.
EXPECTED_WARNINGS = ('output-file is not read by smalldocs',)


def readme_text(nb_path):
    "README markdown from the index notebook: markdown cells, code cells in fences, and their text outputs."
    parts = []
    for cell in json.loads(Path(nb_path).read_text())['cells']:
        src = ''.join(cell['source']).strip()
        if cell['cell_type'] == 'markdown': parts.append(src.replace('](images/', '](nbs/images/')); continue
        if src.startswith('#|') and any(d in src.split('\n')[0] for d in ('hide', 'export')): continue
        code = '\n'.join(l for l in src.split('\n') if not l.startswith('#|'))
        parts.append(f'```python\n{code}\n```')
        out = ''.join(''.join(o.get('text', '')) or ''.join(o.get('data', {}).get('text/plain', ''))
                      for o in cell.get('outputs', []))
        if out.strip(): parts.append('    ' + out.strip().replace('\n', '\n    '))
    return ('<!-- generated from nbs/index.ipynb by python tools/build_docs.py --readme: edit the notebook, '
            'not this file -->\n\n' + '\n\n'.join(parts) + '\n')


MATH = re.compile(r'<span class="math (inline|display)">(.*?)</span>', re.S)
KATEX = re.compile(r'<link[^>]*katex[^>]*>|<script[^>]*katex[^>]*>\s*</script>')
MDLINK = re.compile(r'\[([^\]]*)\]\(https?://[^)\s]*\)')
LOADS = re.compile(r'<(?:link|script|img|iframe|source|video|audio)\b[^>]*?(?:src|href)="((?:https?:)?//[^"]+)"')
WEBFONT = re.compile(r'@import\s+url\(["\']?https?://[^)]*\)\s*;?')
IMG = re.compile(r'<img ([^>]*?)src="(data:image/(png|jpeg);base64,([^"]+)|[^"]+)"([^>]*)>')


def _mathml(m):
    "One math span as MathML, which browsers render themselves."
    tex = html.unescape(m.group(2)).strip()
    if tex[:2] in ('\\(', '\\['): tex = tex[2:-2]
    return tex_to_mathml(tex, display='block' if m.group(1) == 'display' else 'inline')


def _module_pages():
    "Each module's page in this site: `{'meta': '09_meta', ...}` (smalldocs names pages after their notebooks)."
    found = {}
    for nb in (ROOT / 'nbs').glob('*.ipynb'):
        m = re.search(r'#\|\s*default_exp\s+(\w+)', nb.read_text())
        if m: found[m.group(1)] = nb.stem
    return found


def finish_pages(site, host):
    ("Math as MathML in place of KaTeX from a CDN (the site works offline); "
     "each image a file of its own that opens full size on click; "
     "links to the hosted site's module pages (`meta.html#x`) as links within this one (`09_meta.html#x`); "
     "the search index without link targets; the theme's web fonts left out (system fonts, no request leaves the "
     "machine).")
    for css in site.rglob('*.css'): css.write_text(WEBFONT.sub('', css.read_text()))
    (site / 'figures').mkdir(exist_ok=True)
    pages = _module_pages()
    link = re.compile(r'href="(?:' + re.escape(host) + r'/)?(' + '|'.join(pages) + r')\.html(#[^"]*)?"')
    for page in site.rglob('*.html'):
        n, rel = 0, '../' * (len(page.relative_to(site).parts) - 1)
        def figure(m):
            nonlocal n
            src = m.group(2)
            if m.group(4):  # an inline notebook output: written out, so that it can open on its own
                n += 1; name = f"figures/{'-'.join(page.relative_to(site).with_suffix('').parts)}-{n}.{m.group(3)}"
                (site / name).write_bytes(base64.b64decode(m.group(4))); src = rel + name
            return (f'<a class="figure-full" href="{src}" target="_blank" title="open full size">'
                    f'<img {m.group(1)}src="{src}"{m.group(5)}></a>')
        text = page.read_text()
        text = link.sub(lambda m: f'href="{rel}{pages[m.group(1)]}.html{m.group(2) or ""}"', text)
        page.write_text(IMG.sub(figure, KATEX.sub('', MATH.sub(_mathml, text))))
    # its text is the pages' markdown: a cross-reference reads as its name, not `[name](https://...)`
    index = site / 'search.json'
    if index.exists(): index.write_text(MDLINK.sub(r'\1', index.read_text()))


def results_tables(out):
    ("For each committed results summary `nbs/repro/results/<name>.json`, its table as `out/<name>.md`, "
     "which the reproduction pages include.")
    from flp_nb.analysis import analysis_table
    from flp_nb.evaluate import read_results
    from flp_nb.stats import iid_decision_text, table2_decision_text
    from flp_nb.tables import error_table, study_table, results_table
    from flp_nb.fewshot import FEWSHOT_METHODS, PAPER_TABLE2, PAPER_TABLE2_MINIIMAGENET
    labels = {m: v.label for m, v in FEWSHOT_METHODS.items()}
    for f in sorted((ROOT / 'nbs' / 'repro' / 'results').glob('*.json')):
        d = read_results(f)
        if isinstance(d, dict) and 'fitted_readout' in d:  # repro/analysis's numbers behind Figure 2
            (out / f.with_suffix('.md').name).write_text(f"Scale `{d['scale']}`, seed {d['seed']}, {d['runs']} "
                                                         f"evaluation lifetimes per analysis.\n\n{analysis_table(d)}\n")
            continue
        if isinstance(d, dict) and 'by_order' in d:  # repro/table2's summary
            (out / f.with_suffix('.md').name).write_text(f"Scale `{d['scale']}` on Omniglot: query error (%) "
                                            "after the 25-image lifetime, "
                                            f"{d['eval_runs']} evaluation lifetimes per model; "
                                            f"{d['machine']}; `{d['command']}`.\n\n"
                                            f"{error_table(d['runs'], labels, PAPER_TABLE2)}\n\n"
                                            f"{table2_decision_text(d['by_order'], d['compared'], labels)}\n")
            continue
        if isinstance(d, dict) and 'decision' in d:  # a study's summary (repro/continual, repro/iid)
            decision = f"\n{iid_decision_text(d['decision'])}\n" if 'by_episode' in d else ''
            (out / f.with_suffix('.md').name).write_text(f"Scale `{d['scale']}`: query MSE "
                                            f"after the {d['runs'][0]['steps']}-step lifetime, "
                                            f"{d['eval_runs']} evaluation lifetimes per model; "
                                            f"{d['machine']}; `{d['command']}`.\n\n"
                                            f"{study_table(d['runs'], d['prior_line'])}\n{decision}")
            continue
        # other files there are not run summaries
        rows = [r for r in d.get('rows', []) if not r.get('fresh_seed')] if isinstance(d, dict) else []
        if not rows: continue
        mse = 'mse' in rows[0]
        # files are named fewshot_<dataset>_<scale>
        paper = PAPER_TABLE2_MINIIMAGENET if 'miniimagenet' in f.stem else PAPER_TABLE2
        md, _ = results_table(rows, 'mse' if mse else 'error', *(() if mse else (FEWSHOT_METHODS, paper)))
        what = f"query MSE after the {rows[0]['steps']}-step lifetime" if mse else 'query error (%)'
        (out / f.with_suffix('.md').name).write_text(f"Scale `{d['scale']}`: {what}, mean over seeds "
                                        f"{sorted({r['seed'] for r in rows})} (standard error over seeds), "
                                        f"{d['eval_runs']} evaluation lifetimes per run; "
                                        f"{d['machine']}; `{d['command']}`.\n\n{md}\n")


def _site_settings(cfg):
    "The site settings `nbdev.yml` that nbdev's `refresh_quarto_yml` would write into `nbs/`."
    return (f"project:\n  output-dir: {cfg.doc_path.name}\n\nwebsite:\n  title: \"{cfg.title}\"\n"
            f"  site-url: \"{cfg.doc_host}{cfg.doc_baseurl}\"\n  description: \"{cfg.description}\"\n"
            f"  repo-branch: {cfg.branch}\n  repo-url: \"{cfg.git_url}\"\n")


def build():
    "Prepare the notebooks with nbdev and render the site with smalldocs; return the site folder."
    cfg = get_config(str(ROOT / 'settings.ini'))
    # a cell mixing imports with other code would be executed by the docs build (nbdev runs every cell that imports)
    import warnings
    warnings.filterwarnings('error', message='Found cells containing imports and other code')
    # the notebooks' imports may start PyTorch's compiler, whose caches would stay in the temporary folder
    caches, before = ('TORCHINDUCTOR_CACHE_DIR', 'TRITON_CACHE_DIR'), dict(os.environ)
    with tempfile.TemporaryDirectory(prefix='flp_nb-docs-') as tmp:
        os.environ.update(dict.fromkeys(caches, tmp))
        try:
            proc = proc_nbs(n_workers=0, force=True)
            results_tables(proc / 'repro' / 'results')
        finally:
            for k in caches: os.environ.pop(k) if k not in before else os.environ.update({k: before[k]})
    (proc / 'nbdev.yml').write_text(_site_settings(cfg))
    for runs in [d for d in proc.rglob('runs') if d.is_dir()]:
        shutil.rmtree(runs)  # run folders the notebooks wrote are not docs
    r = subprocess.run([str(Path(sys.executable).parent / 'smalldocs'), 'render', str(proc)],
                       capture_output=True, text=True)
    said = [l for l in (r.stdout + r.stderr).splitlines() if not any(w in l for w in EXPECTED_WARNINGS)]
    if said: print('\n'.join(said))
    warnings = [l for l in said if l.startswith('warning')]
    if r.returncode or warnings: raise SystemExit(f'docs build failed (exit {r.returncode}): ' + '; '.join(warnings))
    site = proc / cfg.doc_path.name
    if not site.exists(): site = proc / '_site'
    if not any(site.glob('*.html')): raise SystemExit(f'docs build wrote no HTML pages into {site}')
    finish_pages(site, cfg.doc_host.rstrip('/') + cfg.doc_baseurl.rstrip('/'))
    return site


def _anchors(page):
    "The `id`s a page defines."
    return set(re.findall(r'\sid="([^"]+)"', page.read_text()))


def check_site(site):
    ("What is wrong with a built site, one line each: links to pages or anchors that do not exist, requests "
     "leaving the machine, tables left as markdown text, stderr blocks, raw markdown links.")
    problems, anchors = [], {}
    for page in sorted(site.rglob('*.html')):
        name, text = page.relative_to(site), page.read_text()
        for href in re.findall(r'href="([^"]+)"', text):
            if href.startswith(('http://', 'https://', 'mailto:')): continue
            path, _, frag = html.unescape(href).partition('#')
            target = (page.parent / path).resolve() if path else page.resolve()
            if not target.exists(): problems.append(f'{name}: link to a missing file {href}'); continue
            if frag and target.suffix == '.html':
                if target not in anchors: anchors[target] = _anchors(target)
                if frag not in anchors[target]: problems.append(f'{name}: link to a missing anchor {href}')
        for url in re.findall(LOADS, text): problems.append(f'{name}: loads {url}')
        prose = re.sub(r'<(pre|code|script)\b.*?</\1>', '', text, flags=re.S)
        if re.search(r'^\s*\|?\s*:?-{3,}:?\s*\|', html.unescape(re.sub(r'<[^>]+>', '\n', prose)), re.M):
            problems.append(f'{name}: a markdown table left as text')
        if 'cell-output-stderr' in text: problems.append(f'{name}: a stderr block')
        if re.search(r'\[[^\]]*\]\(https?://', prose): problems.append(f'{name}: a markdown link left as text')
    for css in site.rglob('*.css'):
        for url in re.findall(r'(?:@import\s+|url\()["\']?((?:https?:)?//[^)"\']+)', css.read_text()):
            problems.append(f'{css.relative_to(site)}: loads {url}')
    return problems


if __name__ == '__main__':
    os.chdir(ROOT)
    readme = readme_text(ROOT / 'nbs' / 'index.ipynb')
    if '--readme' in sys.argv: (ROOT / 'README.md').write_text(readme); print('README.md written')
    elif '--check-readme' in sys.argv and (ROOT / 'README.md').read_text() != readme:
        raise SystemExit('README.md is out of date: run python tools/build_docs.py --readme')
    site = build()
    problems = check_site(site)
    if problems: raise SystemExit(f'the site in {site} has {len(problems)} problems:\n' + '\n'.join(problems))
    print(f"site: {site} ({len(list(site.rglob('*.html')))} pages, checked)")
