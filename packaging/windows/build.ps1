# Builds the Windows installer of Enkash Desktop:
#   dist\enkash-desktop\                        the PyInstaller bundle
#   dist\EnkashDesktop-<version>-setup.exe      the per-user Inno Setup installer
# Needs Python 3.11+ and Inno Setup 6 (choco install innosetup, or ISCC on PATH).
# Run from anywhere: powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

function Say($Message) { Write-Host "[build-windows] $Message" }

if (-not (Test-Path ".venv\Scripts\python.exe")) {
    Say "Creating .venv and installing the project into it."
    py -3 -m venv .venv
    if ($LASTEXITCODE -ne 0) { throw "Python 3.11 or newer is needed (the py launcher failed)." }
    & .venv\Scripts\python.exe -m pip install --quiet --upgrade pip
    & .venv\Scripts\python.exe -m pip install --quiet -e .
}
if (-not (Test-Path ".venv\Scripts\pyinstaller.exe")) {
    Say "PyInstaller is not in .venv, so it will be installed there."
    & .venv\Scripts\python.exe -m pip install --quiet "pyinstaller>=6.22,<7"
}

$Version = (& .venv\Scripts\python.exe -c "import enkash_desktop; print(enkash_desktop.__version__)").Trim()
Say "Building Enkash Desktop $Version."
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue "dist\enkash-desktop", "build\pyinstaller"
& .venv\Scripts\pyinstaller.exe --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller packaging\enkash-desktop.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed." }

Say "Checking the bundle with its self-test."
$env:ENKASH_DESKTOP_HOME = Join-Path $env:TEMP "enkash-selftest-$PID"
$proc = Start-Process -FilePath "dist\enkash-desktop\enkash-desktop.exe" -ArgumentList "--self-test" `
    -Wait -PassThru -NoNewWindow
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $env:ENKASH_DESKTOP_HOME
Remove-Item Env:\ENKASH_DESKTOP_HOME
if ($proc.ExitCode -ne 0) { throw "The bundle's self-test failed (exit code $($proc.ExitCode))." }

$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $Iscc)) { throw "Inno Setup 6 was not found: install it with 'choco install innosetup'." }
& $Iscc /Qp "/DAppVersion=$Version" packaging\windows\enkash-desktop.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed." }

Say "Done: dist\EnkashDesktop-$Version-setup.exe (installs per user into %LOCALAPPDATA%\Programs\Enkash Desktop)."
