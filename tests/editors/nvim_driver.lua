-- Drives a headless Neovim through the prodready set-up in editors/neovim and writes what
-- happened to a JSON file for tests/editors/test_neovim.py to check.
--
-- Input (environment): PRODREADY_NVIM_PARAMS = path of a JSON file with
--   repo_root, file, out, server_cmd (list), timeout_ms
-- Every wait is bounded; any error ends up in the output's "error" field.

local params = vim.json.decode(table.concat(vim.fn.readfile(vim.env.PRODREADY_NVIM_PARAMS), '\n'))
local out = { steps = {} }
local timeout = params.timeout_ms or 30000

local function step(name)
  table.insert(out.steps, name)
end

local function write_out()
  vim.fn.writefile({ vim.json.encode(out) }, params.out)
end

local function diagnostics(bufnr)
  local result = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result, {
      code = d.code,
      source = d.source,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      message = d.message,
    })
  end
  table.sort(result, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    return a.col < b.col
  end)
  return result
end

local function find(bufnr, code, lnum)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code and (lnum == nil or d.lnum == lnum) then
      return d
    end
  end
end

local function count(bufnr, code)
  local n = 0
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then
      n = n + 1
    end
  end
  return n
end

local function lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

local function run()
  -- The set-up under test: the repo's editors/neovim on 'runtimepath', as a user would.
  vim.opt.runtimepath:prepend(vim.fs.joinpath(params.repo_root, 'editors', 'neovim'))
  vim.lsp.log.set_level(vim.log.levels.DEBUG)
  out.lsp_log = vim.lsp.get_log_path()
  -- Run the server of the Python that runs the tests (the config's own lookup would find
  -- whatever `prodready` is on PATH).
  vim.lsp.config('prodready', { cmd = params.server_cmd })
  vim.lsp.enable('prodready')
  local config = vim.lsp.config.prodready
  out.config = { filetypes = config.filetypes, root_markers = config.root_markers }

  vim.cmd.edit(vim.fn.fnameescape(params.file))
  local bufnr = vim.api.nvim_get_current_buf()
  out.filetype = vim.bo[bufnr].filetype
  step('opened')

  local attached = vim.wait(timeout, function()
    return #vim.lsp.get_clients({ bufnr = bufnr, name = 'prodready' }) > 0
  end, 50)
  out.attached = attached
  if not attached then
    error('prodready did not attach to the buffer')
  end
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = 'prodready' })[1]
  out.root_dir = client.root_dir
  out.offset_encoding = client.offset_encoding
  out.server_info = client.server_info
  step('attached')

  -- Diagnostics: wait for both PR101 findings and the PR201 one.
  local got = vim.wait(timeout, function()
    return count(bufnr, 'PR101') >= 2 and count(bufnr, 'PR201') >= 1
  end, 50)
  out.initial = diagnostics(bufnr)
  if not got then
    error('timed out waiting for PR101 x2 and PR201 diagnostics')
  end
  step('diagnostics')

  -- Quick fix on the line with non-ASCII text before the call.
  local target = find(bufnr, 'PR101', params.unicode_line)
  if not target then
    error('no PR101 diagnostic on the non-ASCII line')
  end
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local seen = {}
  vim.lsp.buf.code_action({
    apply = true,
    context = { only = { 'quickfix' } },
    filter = function(action)
      table.insert(seen, { title = action.title, kind = action.kind, isPreferred = action.isPreferred or false })
      return action.isPreferred == true
        and (action.kind == nil or vim.startswith(action.kind, 'quickfix'))
        and not action.title:lower():find('ignore')
    end,
  })
  local changed = vim.wait(timeout, function()
    return lines(bufnr)[target.lnum + 1]:find('timezone.utc', 1, true) ~= nil
  end, 50)
  out.actions_seen = seen
  out.after_fix = lines(bufnr)
  if not changed then
    error('the quick fix did not change the line')
  end
  step('fixed')

  local gone = vim.wait(timeout, function()
    return find(bufnr, 'PR101', target.lnum) == nil and count(bufnr, 'PR101') == 1
  end, 50)
  out.after_fix_diagnostics = diagnostics(bufnr)
  if not gone then
    error('the PR101 finding did not go away after the fix')
  end
  step('finding gone')

  -- Fix-all (source.fixAll.prodready) through the editors/neovim helper module.
  out.fix_all_applied = require('prodready').fix_all({ bufnr = bufnr, timeout_ms = timeout })
  out.after_fix_all = lines(bufnr)
  local all_gone = vim.wait(timeout, function()
    return count(bufnr, 'PR101') == 0
  end, 50)
  out.after_fix_all_diagnostics = diagnostics(bufnr)
  if not all_gone then
    error('PR101 findings remain after fix-all')
  end
  step('fix-all')
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  out.error = tostring(err)
end
write_out()
for _, client in ipairs(vim.lsp.get_clients()) do
  client:stop(true)
end
vim.cmd('qall!')
