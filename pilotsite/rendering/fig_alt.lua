-- Embedded renderer only: Quarto reads fig-alt itself; plain pandoc needs it moved to alt.
function Image(img)
  local alt = img.attributes["fig-alt"]
  if alt then
    img.attributes["fig-alt"] = nil
    img.attributes["alt"] = alt
  end
  return img
end
