-- Plugin: the macro-averaged F1 score as a metric.
--
-- F1 of class c is 2·P·R / (P + R) with precision P = TP/(TP+FP) and recall R = TP/(TP+FN); the
-- macro average weighs every class equally, so a model that ignores a rare class is penalised
-- (accuracy would hide it). Classes that never occur in either y_true or y_pred are skipped.
--
-- Use: model:score(test, "macro_f1")   or   pl.metric("macro_f1", y_true, y_pred)

pl.register("metric", "macro_f1", function(y_true, y_pred)
  assert(#y_true == #y_pred, "macro_f1: y_true and y_pred differ in length")
  local tp, fp, fn, classes = {}, {}, {}, {}
  for i = 1, #y_true do
    local t, p = y_true[i], y_pred[i]
    classes[t], classes[p] = true, true
    if t == p then
      tp[t] = (tp[t] or 0) + 1
    else
      fp[p] = (fp[p] or 0) + 1
      fn[t] = (fn[t] or 0) + 1
    end
  end
  local sum, k = 0, 0
  for c in pl.spairs(classes) do
    local a, b, d = tp[c] or 0, fp[c] or 0, fn[c] or 0
    local f1 = (2 * a + b + d) > 0 and (2 * a) / (2 * a + b + d) or 0
    sum, k = sum + f1, k + 1
  end
  return k > 0 and sum / k or 0
end)
