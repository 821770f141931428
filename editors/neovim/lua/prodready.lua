-- Helpers for the prodready language server (Neovim 0.11+). Optional: diagnostics and
-- quick fixes work with lsp/prodready.lua alone. This module adds a synchronous
-- "fix all" that can run before a buffer is written.
--
--   require('prodready').fix_all()               -- apply all safe fixes to this buffer
--   require('prodready').fix_on_save()           -- ... on every :write of a Python buffer

local M = {}

M.fix_all_kind = 'source.fixAll.prodready'

local function client_for(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'prodready' })[1]
end

--- Applies the server's `source.fixAll.prodready` action to `bufnr`, waiting for it.
---@param opts? { bufnr?: integer, timeout_ms?: integer }
---@return boolean applied whether an edit was applied
function M.fix_all(opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  if bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  local timeout = opts.timeout_ms or 2000
  local client = client_for(bufnr)
  if not client then
    return false
  end
  local last = math.max(vim.api.nvim_buf_line_count(bufnr) - 1, 0)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = { start = { line = 0, character = 0 }, ['end'] = { line = last, character = 0 } },
    context = { only = { M.fix_all_kind }, diagnostics = {}, triggerKind = 1 },
  }
  local response = client:request_sync('textDocument/codeAction', params, timeout, bufnr)
  if not response or response.err or not response.result then
    return false
  end
  for _, action in ipairs(response.result) do
    if action.kind and vim.startswith(action.kind, M.fix_all_kind) then
      if not action.edit and client:supports_method('codeAction/resolve', bufnr) then
        local resolved = client:request_sync('codeAction/resolve', action, timeout, bufnr)
        if resolved and not resolved.err and resolved.result then
          action = resolved.result
        end
      end
      if action.edit then
        vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
        return true
      end
    end
  end
  return false
end

--- Runs fix_all before every write of a Python buffer that prodready is attached to.
---@param opts? { timeout_ms?: integer, pattern?: string|string[] }
function M.fix_on_save(opts)
  opts = opts or {}
  local group = vim.api.nvim_create_augroup('prodready_fix_on_save', { clear = true })
  vim.api.nvim_create_autocmd('BufWritePre', {
    group = group,
    pattern = opts.pattern or { '*.py', '*.pyi' },
    callback = function(args)
      M.fix_all({ bufnr = args.buf, timeout_ms = opts.timeout_ms })
    end,
  })
end

return M
