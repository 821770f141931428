-- prodready language server for Neovim 0.11+.
--
-- Put this folder (editors/neovim) on 'runtimepath', or copy this file to
-- ~/.config/nvim/lsp/prodready.lua, then:
--
--   vim.lsp.enable('prodready')
--
-- Override anything with vim.lsp.config('prodready', { ... }), e.g. the rule settings:
--
--   vim.lsp.config('prodready', {
--     settings = { prodready = { select = { 'PR1' }, severity = { PR101 = 'error' } } },
--   })
--
-- Which server runs: the first of <root>/.venv/bin/prodready (also venv/, .env/, env/),
-- $VIRTUAL_ENV/bin/prodready, `prodready` on PATH, and `python3 -c <launch code> server` (like `python3 -m prodready`, without importing from the project).
-- Set `cmd = { '/path/to/prodready', 'server' }` to choose yourself.

local is_windows = vim.fn.has('win32') == 1
local bin = is_windows and 'Scripts' or 'bin'
local exe = is_windows and 'prodready.exe' or 'prodready'

local launch_code = "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; import runpy; runpy.run_module('prodready', run_name='__main__', alter_sys=True)"

--- The command that starts the server for a project rooted at `root` (may be nil).
local function server_cmd(root)
  local candidates = {}
  if root then
    for _, venv in ipairs({ '.venv', 'venv', '.env', 'env' }) do
      table.insert(candidates, vim.fs.joinpath(root, venv, bin, exe))
    end
  end
  if vim.env.VIRTUAL_ENV and vim.env.VIRTUAL_ENV ~= '' then
    table.insert(candidates, vim.fs.joinpath(vim.env.VIRTUAL_ENV, bin, exe))
  end
  for _, candidate in ipairs(candidates) do
    if vim.fn.executable(candidate) == 1 then
      return { candidate, 'server' }
    end
  end
  if vim.fn.executable('prodready') == 1 then
    return { 'prodready', 'server' }
  end
  -- Not `python -m prodready`: that puts the project folder first on sys.path, and Python
  -- itself imports a few modules from there before prodready can drop it. `-c` code that
  -- drops it first never imports a project module.
  return { is_windows and 'python' or 'python3', '-c', launch_code, 'server' }
end

---@type vim.lsp.Config
return {
  -- Not an LSP setting: how `:checkhealth prodready` (lua/prodready/health.lua) shows which
  -- command this configuration runs for a project.
  prodready_server_cmd = server_cmd,
  cmd = function(dispatchers, config)
    local root = config and config.root_dir or nil
    return vim.lsp.rpc.start(server_cmd(root), dispatchers, {
      cwd = config and config.cmd_cwd or root,
      env = config and config.cmd_env or nil,
      detached = config and config.detached,
    })
  end,
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.cfg', 'setup.py', 'requirements.txt', '.git' },
  -- Answered to the server's workspace/configuration request for section "prodready", and
  -- sent as initializationOptions. Keys: enable, debounce, select, ignore, extend-select,
  -- severity (see editors/neovim/README.md). Empty: [tool.prodready] in pyproject.toml.
  settings = { prodready = vim.empty_dict() },
  before_init = function(params, config)
    if params.initializationOptions == nil and config.settings and config.settings.prodready then
      params.initializationOptions = config.settings.prodready
    end
  end,
}
