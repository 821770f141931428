-- :checkhealth prodready -- which command starts the server for this buffer's project, is
-- it executable, which prodready version it is, and the clients running now.
--
-- `:checkhealth vim.lsp` shows `cmd = <function>` for this configuration, because the
-- command is chosen per project (virtualenv first); this says what the function picks.

local M = {}

local health = vim.health

local function root_for(bufnr, config)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return vim.fn.getcwd()
  end
  return vim.fs.root(bufnr, config.root_markers or { 'pyproject.toml', '.git' }) or vim.fs.dirname(name)
end

local function version_of(cmd)
  -- `prodready server` -> `prodready --version`; `python3 -m prodready server` likewise.
  local probe = {}
  for _, part in ipairs(cmd) do
    if part == 'server' then
      break
    end
    table.insert(probe, part)
  end
  table.insert(probe, '--version')
  local ok, result = pcall(function()
    return vim.system(probe, { text = true }):wait(10000)
  end)
  if not ok or not result or result.code ~= 0 then
    return nil, table.concat(probe, ' ')
  end
  return vim.trim(result.stdout or ''), table.concat(probe, ' ')
end

function M.check()
  health.start('prodready: the command')
  local config = vim.lsp.config and vim.lsp.config.prodready or nil
  if not config then
    health.error('no prodready configuration: put editors/neovim on \'runtimepath\' (or copy lsp/prodready.lua) and call vim.lsp.enable(\'prodready\')')
    return
  end
  local bufnr = vim.api.nvim_get_current_buf()
  local root = root_for(bufnr, config)
  local cmd
  if type(config.cmd) == 'table' then
    cmd = config.cmd
    health.info('cmd is set in your configuration')
  elseif type(config.prodready_server_cmd) == 'function' then
    cmd = config.prodready_server_cmd(root)
  end
  if not cmd then
    health.warn('cannot tell which command runs (cmd is a function of your own)')
    return
  end
  health.info('project root: ' .. root)
  health.info('command: ' .. table.concat(cmd, ' '))
  if vim.fn.executable(cmd[1]) ~= 1 then
    health.error(cmd[1] .. ' is not executable', { 'install prodready in the project\'s virtualenv, or set cmd' })
    return
  end
  local version, probe = version_of(cmd)
  if version then
    health.ok(probe .. ': ' .. version)
  else
    health.error(probe .. ' failed: is prodready installed for that Python?')
  end

  health.start('prodready: running clients')
  local clients = vim.lsp.get_clients({ name = 'prodready' })
  if #clients == 0 then
    health.info('none (open a Python file of a project)')
  end
  for _, client in ipairs(clients) do
    local info = client.server_info or {}
    health.ok(string.format('client %d: %s %s, root %s', client.id, info.name or 'prodready',
      info.version or '', client.root_dir or '-'))
  end
end

return M
