# Runs when someone imports the SOURCE manifest at the repository root (./FinBackup.psd1). The module is built into
# out/FinBackup; this says where to import it from, or how to build it. The build removes this script from the
# manifest it lays out in out/FinBackup.
$built = Join-Path $PSScriptRoot '../../out/FinBackup/FinBackup.psd1'
if (Test-Path -LiteralPath $built) {
    $built = (Resolve-Path -LiteralPath $built).Path
    throw "./FinBackup.psd1 is the source manifest, not the module. The built module is at $built`: Import-Module '$built'"
}
throw "./FinBackup.psd1 is the source manifest and FinBackup is not built yet. Build it (dotnet build FinBackup.sln -c Release, or ./build.ps1), then Import-Module ./out/FinBackup/FinBackup.psd1"
