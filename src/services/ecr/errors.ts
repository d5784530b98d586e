import { AwsError } from '../../core/errors/aws-error.js';

const ecr = (code: string, message: string, status = 400) => new AwsError(code, message, { status });

/** ECR API errors with AWS's wording. */
export const ecrErrors = {
  repositoryNotFound: (name: string, account: string) =>
    ecr(
      'RepositoryNotFoundException',
      `The repository with name '${name}' does not exist in the registry with id '${account}'`,
    ),
  repositoryAlreadyExists: (name: string, account: string) =>
    ecr(
      'RepositoryAlreadyExistsException',
      `The repository with name '${name}' already exists in the registry with id '${account}'`,
    ),
  repositoryNotEmpty: (name: string, account: string) =>
    ecr(
      'RepositoryNotEmptyException',
      `The repository with name '${name}' in registry with id '${account}' cannot be deleted because it still contains images`,
    ),
  imageNotFound: (message: string) => ecr('ImageNotFoundException', message),
  imageTagAlreadyExists: (tag: string, name: string) =>
    ecr(
      'ImageTagAlreadyExistsException',
      `The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the tag is immutable.`,
    ),
  imageAlreadyExists: (digest: string, tag: string, name: string, account: string) =>
    ecr(
      'ImageAlreadyExistsException',
      `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${name}' in registry with id '${account}'`,
    ),
  imageDigestDoesNotMatch: (given: string, actual: string) =>
    ecr(
      'ImageDigestDoesNotMatchException',
      `Provided image digest '${given}' does not match actual image digest '${actual}'.`,
    ),
  layersNotFound: (digests: string[], name: string, account: string) =>
    ecr(
      'LayersNotFoundException',
      `Layers with digests '[${digests.join(', ')}]' required for pushing image into repository with name '${name}' in registry with id '${account}' do not exist`,
    ),
  layerNotFound: (digest: string, name: string, account: string) =>
    ecr(
      'LayersNotFoundException',
      `The layer with digest '${digest}' does not exist in the repository with name '${name}' in the registry with id '${account}'`,
    ),
  layerAlreadyExists: (digest: string, name: string, account: string) =>
    ecr(
      'LayerAlreadyExistsException',
      `Layer with digest '${digest}' already exists in the repository with name '${name}' in registry with id '${account}'`,
    ),
  invalidLayer: (message: string) => ecr('InvalidLayerException', message),
  invalidLayerPart: (message: string, fields: Record<string, unknown>) =>
    new AwsError('InvalidLayerPartException', message, { fields }),
  uploadNotFound: (id: string, name: string, account: string) =>
    ecr(
      'UploadNotFoundException',
      `Upload with id '${id}' does not exist in the repository with name '${name}' in the registry with id '${account}'`,
    ),
  emptyUpload: (id: string) =>
    ecr('EmptyUploadException', `The upload with id '${id}' does not contain any layer parts.`),
  layerInaccessible: (digest: string) =>
    ecr('LayerInaccessibleException', `The layer with digest '${digest}' is not accessible.`),
  lifecyclePolicyNotFound: (name: string, account: string) =>
    ecr(
      'LifecyclePolicyNotFoundException',
      `Lifecycle policy does not exist for the repository with name '${name}' in the registry with id '${account}'`,
    ),
  lifecyclePreviewNotFound: (name: string, account: string) =>
    ecr(
      'LifecyclePolicyPreviewNotFoundException',
      `There is no lifecycle policy preview for the repository with name '${name}' in the registry with id '${account}'`,
    ),
  repositoryPolicyNotFound: (name: string, account: string) =>
    ecr(
      'RepositoryPolicyNotFoundException',
      `Repository policy does not exist for the repository with name '${name}' in the registry with id '${account}'`,
    ),
  registryPolicyNotFound: (account: string) =>
    ecr('RegistryPolicyNotFoundException', `Registry policy does not exist in the registry with id '${account}'`),
  invalidParameter: (message: string) => ecr('InvalidParameterException', message),
  invalidTagParameter: (message: string) => ecr('InvalidTagParameterException', message),
  tooManyTags: (message: string) => ecr('TooManyTagsException', message),
  unsupportedImageType: (message: string) => ecr('UnsupportedImageTypeException', message),
};
